using Gateway.Observability;
using Gateway.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Tests.Resilience;

public sealed class GatewayHttpClientFactoryTests
{
    private readonly ClusterRuntimeTable _clusters = new();
    private readonly IForwarderHttpClientFactory _factory;

    public GatewayHttpClientFactoryTests()
    {
        var slowConnect = new ClusterRuntime { ConnectTimeout = TimeSpan.FromSeconds(30) };
        _clusters.Publish(new Dictionary<string, ClusterRuntime> { ["slow"] = slowConnect, ["also-slow"] = slowConnect });
        _factory = new GatewayHttpClientFactory(NullLogger<ForwarderHttpClientFactory>.Instance, Options.Create(new TelemetryOptions()), _clusters);
    }

    [Fact]
    public void Clusters_with_equal_settings_share_one_client()
    {
        var a = _factory.CreateClient(Context("a", HttpClientConfig.Empty));
        var b = _factory.CreateClient(Context("b", new HttpClientConfig()));

        Assert.Same(a, b);
    }

    [Fact]
    public void A_different_connect_timeout_or_certificate_check_gets_its_own_client()
    {
        var plain = _factory.CreateClient(Context("a", HttpClientConfig.Empty));
        var slowConnect = _factory.CreateClient(Context("slow", HttpClientConfig.Empty));
        var anyCertificate = _factory.CreateClient(Context("c", new HttpClientConfig { DangerousAcceptAnyServerCertificate = true }));

        Assert.NotSame(plain, slowConnect);
        Assert.NotSame(plain, anyCertificate);
        Assert.NotSame(slowConnect, anyCertificate);
        Assert.Same(slowConnect, _factory.CreateClient(Context("also-slow", HttpClientConfig.Empty)));
    }

    [Fact]
    public void A_cluster_with_a_connection_cap_keeps_a_client_of_its_own()
    {
        var capped = new HttpClientConfig { MaxConnectionsPerServer = 2 };
        var a = _factory.CreateClient(Context("a", capped));
        var b = _factory.CreateClient(Context("b", capped));

        Assert.NotSame(a, b);
        Assert.Same(a, _factory.CreateClient(Context("a", capped, oldConfig: capped, oldClient: a)));
    }

    [Fact]
    public void A_capped_cluster_whose_connect_timeout_changed_gets_a_new_client()
    {
        var capped = new HttpClientConfig { MaxConnectionsPerServer = 2 };
        var before = _factory.CreateClient(Context("a", capped));

        _clusters.Publish(new Dictionary<string, ClusterRuntime> { ["a"] = new() { ConnectTimeout = TimeSpan.FromSeconds(30) } });
        var after = _factory.CreateClient(Context("a", capped, oldConfig: capped, oldClient: before));

        Assert.NotSame(before, after);
        Assert.Same(after, _factory.CreateClient(Context("a", capped, oldConfig: capped, oldClient: after)));
    }

    [Fact]
    public async Task A_client_left_behind_by_a_reload_still_serves_the_other_clusters()
    {
        var shared = _factory.CreateClient(Context("a", HttpClientConfig.Empty));
        _factory.CreateClient(Context("b", HttpClientConfig.Empty));

        var changed = _factory.CreateClient(Context("a", new HttpClientConfig { DangerousAcceptAnyServerCertificate = true }, oldConfig: HttpClientConfig.Empty, oldClient: shared));

        Assert.NotSame(shared, changed);
        // Not disposed: sending fails on the connection (nothing listens on port 1), not with ObjectDisposedException.
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/");
        await Assert.ThrowsAsync<HttpRequestException>(() => shared.SendAsync(request, CancellationToken.None));
    }

    private static ForwarderHttpClientContext Context(string cluster, HttpClientConfig config, HttpClientConfig? oldConfig = null, HttpMessageInvoker? oldClient = null) =>
        new() { ClusterId = cluster, NewConfig = config, OldConfig = oldConfig ?? HttpClientConfig.Empty, OldClient = oldClient };
}
