using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>The API server drops, closes, expires and goes away; the gateway keeps serving and catches up.</summary>
public sealed class WatchResilienceTests : KubernetesTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
    }

    [Fact]
    public async Task Dropped_connections_are_rewatched_without_a_relist_and_nothing_is_lost()
    {
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await WaitForWatchesAsync();
        var lists = Api.ListCount("services");

        Api.DropConnections();
        Assert.Equal("a", await k8s.AnswerAsync("/model-a"));
        Api.Apply(Service("model-b"));
        Api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(B.Url), endpoints: Endpoint.ReadyPod));

        await k8s.WaitForAnswerAsync("/model-b", "b");
        Assert.Equal(lists, Api.ListCount("services"));
    }

    [Fact]
    public async Task Normal_close_is_rewatched_from_the_last_version()
    {
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await WaitForWatchesAsync();
        var lists = Api.ListCount("endpointslices");
        var watches = Api.WatchRequestCount("endpointslices");

        Api.CloseWatches();
        Api.Apply(EndpointSlice("model-a-x2", "model-a", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.TerminatingPod));

        await k8s.WaitForAnswerAsync("/model-a", "b");
        Assert.True(Api.WatchRequestCount("endpointslices") > watches);
        Assert.Equal(lists, Api.ListCount("endpointslices"));
    }

    [Fact]
    public async Task Api_server_down_keeps_serving_the_last_known_routes_and_resumes_after()
    {
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await WaitForWatchesAsync();

        Api.Down = true;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("a", await k8s.AnswerAsync("/model-a"));
            await Task.Delay(100);
        }

        Api.Apply(Service("model-b"));
        Api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        Api.Down = false;

        await k8s.WaitForAnswerAsync("/model-b", "b");
        Assert.Equal("a", await k8s.AnswerAsync("/model-a"));
    }

    [Fact]
    public async Task Expired_resource_version_relists_and_picks_up_changes_made_meanwhile()
    {
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await WaitForWatchesAsync();
        var lists = Api.ListCount("services");

        // While the gateway cannot watch, the Service moves and history is compacted: only a re-list can see it.
        Api.Down = true;
        Api.Delete("services", Namespace, "model-a");
        Api.Apply(Service("model-b"));
        Api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        Api.ExpireHistory();
        Api.Down = false;

        await k8s.WaitForAnswerAsync("/model-b", "b");
        await k8s.WaitForAnswerAsync("/model-a", "404");
        Assert.True(Api.ListCount("services") > lists, "the gateway should have listed Services again after 410 Gone");
    }

    [Fact]
    public async Task A_stalled_watch_is_abandoned_after_the_idle_timeout_and_changes_arrive()
    {
        await using var k8s = await KubernetesGateway.StartAsync(Api, extraArgs: "--Gateway:Kubernetes:WatchIdleTimeout=00:00:02");
        await WaitForWatchesAsync();
        var watches = Api.WatchRequestCount("services");

        Api.StallWatches();
        Api.Apply(Service("model-b"));
        Api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(B.Url), endpoints: Endpoint.ReadyPod));

        await k8s.WaitForAnswerAsync("/model-b", "b");
        Assert.True(Api.WatchRequestCount("services") > watches);
    }

    private Task WaitForWatchesAsync() => Eventually.TrueAsync(
        () => Task.FromResult(Api.OpenWatchCount("services") > 0 && Api.OpenWatchCount("endpointslices") > 0 && Api.OpenWatchCount("configmaps") > 0),
        "the gateway to watch every kind");
}
