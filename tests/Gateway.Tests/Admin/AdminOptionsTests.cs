using Gateway.Hosting;

namespace Gateway.Tests.Admin;

public sealed class AdminOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new GatewayOptions().Validate());
        Assert.Empty(new GatewayOptions { Admin = new AdminOptions { MetricsUrl = "http://0.0.0.0:9091", Token = new string('k', 32) } }.Validate());
    }

    [Theory]
    [InlineData("tcp://0.0.0.0:9091", "Gateway:Admin:MetricsUrl 'tcp://0.0.0.0:9091' is not an http:// address")]
    [InlineData("http://0.0.0.0:9090", "Gateway:Admin:MetricsUrl 'http://0.0.0.0:9090' uses the port of Gateway:Admin:Url 'http://0.0.0.0:9090'")]
    public void A_bad_metrics_address_is_named(string url, string error)
    {
        var errors = new GatewayOptions { Admin = new AdminOptions { MetricsUrl = url } }.Validate();
        Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void A_metrics_port_without_metrics_is_an_error()
    {
        var options = new GatewayOptions { Admin = new AdminOptions { MetricsUrl = "http://0.0.0.0:9091" } };
        options.Telemetry.Metrics = false;
        Assert.Equal(["Gateway:Admin:MetricsUrl 'http://0.0.0.0:9091' is set but Gateway:Telemetry:Metrics is false, so there are no metrics to serve"], options.Validate());
    }

    [Fact]
    public void Token_problems_name_the_key()
    {
        Assert.Equal(
            ["Gateway:Admin:Token: the token has 6 characters; use at least 16 (e.g. openssl rand -hex 32)"],
            new GatewayOptions { Admin = new AdminOptions { Token = "secret" } }.Validate());
        Assert.Equal(
            ["Gateway:Admin:Token and Gateway:Admin:TokenFile are both set; set one"],
            new GatewayOptions { Admin = new AdminOptions { Token = new string('k', 32), TokenFile = "/etc/token" } }.Validate());

        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "token");
        var error = Assert.Single(new GatewayOptions { Admin = new AdminOptions { TokenFile = missing } }.Validate());
        Assert.StartsWith($"Gateway:Admin:TokenFile '{missing}' cannot be read: ", error, StringComparison.Ordinal);

        var empty = Path.GetTempFileName();
        try
        {
            File.WriteAllText(empty, "\n");
            Assert.Equal([$"Gateway:Admin:TokenFile '{empty}' is empty"], new GatewayOptions { Admin = new AdminOptions { TokenFile = empty } }.Validate());
        }
        finally
        {
            File.Delete(empty);
        }
    }
}
