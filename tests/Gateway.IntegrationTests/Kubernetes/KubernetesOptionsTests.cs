using Gateway.IntegrationTests.Infrastructure;
using Gateway.Primitives;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>Bad Kubernetes settings stop the gateway at start-up with one clear line each.</summary>
public sealed class KubernetesOptionsTests
{
    [Theory]
    [InlineData("--Gateway:Kubernetes:Kubeconfig=/nonexistent/kubeconfig", "Gateway:Kubernetes:Kubeconfig '/nonexistent/kubeconfig' does not exist")]
    [InlineData("--Gateway:Kubernetes:Namespaces:0=ML_Models", "Gateway:Kubernetes:Namespaces:0 'ML_Models' is not a namespace name")]
    [InlineData("--Gateway:Kubernetes:ConfigMap:Name=Gateway Config", "Gateway:Kubernetes:ConfigMap:Name 'Gateway Config' is not a ConfigMap name")]
    [InlineData("--Gateway:Kubernetes:Debounce=00:01:00", "Gateway:Kubernetes:Debounce '00:01:00' must be between 0 and 00:00:10")]
    public async Task Invalid_settings_are_refused_at_start(string argument, string expected)
    {
        var ex = await Assert.ThrowsAsync<StartupException>(() => TestGateway.StartAsync(new { }, "--Gateway:Kubernetes:Enabled=true", argument));
        Assert.Contains(ex.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kubeconfig_that_cannot_be_loaded_is_refused_at_start()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\ncurrent-context: missing\n");
            var ex = await Assert.ThrowsAsync<StartupException>(() => TestGateway.StartAsync(new { }, "--Gateway:Kubernetes:Enabled=true", $"--Gateway:Kubernetes:Kubeconfig={path}"));
            Assert.StartsWith("Gateway:Kubernetes: cannot load the Kubernetes client configuration", Assert.Single(ex.Errors));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Kubernetes_section_is_accepted_in_appsettings_and_discovery_is_off_outside_a_cluster()
    {
        await using var gateway = await TestGateway.StartAsync(new { Kubernetes = new { Namespaces = new[] { "ml" } } });
        Assert.Equal("ready\n", await gateway.Admin.GetStringAsync("/readyz"));
    }
}
