using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>The API server drops, closes, expires and goes away; the gateway keeps serving and catches up.</summary>
public sealed class WatchResilienceTests : IAsyncLifetime
{
    private FakeKubernetesApiServer _api = null!;
    private TestBackend _a = null!;
    private TestBackend _b = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApiServer.StartAsync();
        _a = await TestBackend.StartAsync("a");
        _b = await TestBackend.StartAsync("b");
        _api.Apply(Service("model-a"));
        _api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(_a.Url), endpoints: Endpoint.ReadyPod));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Dropped_connections_are_rewatched_without_a_relist_and_nothing_is_lost()
    {
        await using var k8s = await KubernetesGateway.StartAsync(_api);
        await WaitForWatchesAsync();
        var lists = _api.ListCount("services");

        _api.DropConnections();
        Assert.Equal("a", await k8s.AnswerAsync("/model-a"));
        _api.Apply(Service("model-b"));
        _api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(_b.Url), endpoints: Endpoint.ReadyPod));

        await k8s.WaitForAnswerAsync("/model-b", "b");
        Assert.Equal(lists, _api.ListCount("services"));
    }

    [Fact]
    public async Task Normal_close_is_rewatched_from_the_last_version()
    {
        await using var k8s = await KubernetesGateway.StartAsync(_api);
        await WaitForWatchesAsync();
        var lists = _api.ListCount("endpointslices");
        var watches = _api.WatchRequestCount("endpointslices");

        _api.CloseWatches();
        _api.Apply(EndpointSlice("model-a-x2", "model-a", PortOf(_b.Url), endpoints: Endpoint.ReadyPod));
        _api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(_a.Url), endpoints: Endpoint.TerminatingPod));

        await k8s.WaitForAnswerAsync("/model-a", "b");
        Assert.True(_api.WatchRequestCount("endpointslices") > watches);
        Assert.Equal(lists, _api.ListCount("endpointslices"));
    }

    [Fact]
    public async Task Api_server_down_keeps_serving_the_last_known_routes_and_resumes_after()
    {
        await using var k8s = await KubernetesGateway.StartAsync(_api);
        await WaitForWatchesAsync();

        _api.Down = true;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("a", await k8s.AnswerAsync("/model-a"));
            await Task.Delay(100);
        }

        _api.Apply(Service("model-b"));
        _api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(_b.Url), endpoints: Endpoint.ReadyPod));
        _api.Down = false;

        await k8s.WaitForAnswerAsync("/model-b", "b");
        Assert.Equal("a", await k8s.AnswerAsync("/model-a"));
    }

    [Fact]
    public async Task Expired_resource_version_relists_and_picks_up_changes_made_meanwhile()
    {
        await using var k8s = await KubernetesGateway.StartAsync(_api);
        await WaitForWatchesAsync();
        var lists = _api.ListCount("services");

        // While the gateway cannot watch, the Service moves and history is compacted: only a re-list can see it.
        _api.Down = true;
        _api.Delete("services", Namespace, "model-a");
        _api.Apply(Service("model-b"));
        _api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(_b.Url), endpoints: Endpoint.ReadyPod));
        _api.ExpireHistory();
        _api.Down = false;

        await k8s.WaitForAnswerAsync("/model-b", "b");
        await k8s.WaitForAnswerAsync("/model-a", "404");
        Assert.True(_api.ListCount("services") > lists, "the gateway should have listed Services again after 410 Gone");
    }

    [Fact]
    public async Task A_stalled_watch_is_abandoned_after_the_idle_timeout_and_changes_arrive()
    {
        await using var k8s = await KubernetesGateway.StartAsync(_api, extraArgs: "--Gateway:Kubernetes:WatchIdleTimeout=00:00:02");
        await WaitForWatchesAsync();
        var watches = _api.WatchRequestCount("services");

        _api.StallWatches();
        _api.Apply(Service("model-b"));
        _api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(_b.Url), endpoints: Endpoint.ReadyPod));

        await k8s.WaitForAnswerAsync("/model-b", "b");
        Assert.True(_api.WatchRequestCount("services") > watches);
    }

    private Task WaitForWatchesAsync() => Eventually.TrueAsync(
        () => Task.FromResult(_api.OpenWatchCount("services") > 0 && _api.OpenWatchCount("endpointslices") > 0 && _api.OpenWatchCount("configmaps") > 0),
        "the gateway to watch every kind");
}
