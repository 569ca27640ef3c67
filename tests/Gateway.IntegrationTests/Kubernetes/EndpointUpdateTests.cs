using System.Net;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// EndpointSlice changes move traffic without a configuration reload: the generation on <c>/config</c> stays, the
/// backend's endpoints there change, and the other backends keep their state.
/// </summary>
public sealed class EndpointUpdateTests : KubernetesTest
{
    [Fact]
    public async Task A_pod_address_change_moves_traffic_without_a_reload()
    {
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        var logs = new CapturedLogs();
        await using var k8s = await KubernetesGateway.StartAsync(Api, null, builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
        });
        Assert.Equal("a", await k8s.AnswerAsync("/model-a"));
        var generation = await GenerationAsync(k8s);

        // The pod is replaced: same slice, a new address (here the other loopback backend's port).
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await k8s.WaitForAnswerAsync("/model-a", "b");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("b", await k8s.AnswerAsync("/model-a"));
        }

        var config = await k8s.ConfigAsync();
        Assert.Equal(generation, (long)config["generation"]!);
        Assert.Equal([$"http://127.0.0.1:{PortOf(B.Url)}"], config["model"]!["backends"]!["service/default/model-a"]!["endpoints"]!.AsArray().Select(e => (string)e!));
        Assert.Contains("Endpoints of backend service/default/model-a changed: 1 destination(s), applied without a reload", logs.All, StringComparison.Ordinal);
        Assert.Contains("service/default/model-a</code> 100 (100%), 1 endpoint<", await k8s.Gateway.Admin.GetStringAsync("/routes"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_whose_endpoints_all_go_away_answers_503_and_comes_back_without_a_reload()
    {
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        Assert.Equal("a", await k8s.AnswerAsync("/model-a"));
        var generation = await GenerationAsync(k8s);

        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: new Endpoint(Ready: false)));
        await k8s.WaitForAnswerAsync("/model-a", "503");
        Assert.Empty((await k8s.ConfigAsync())["model"]!["backends"]!["service/default/model-a"]!["endpoints"]!.AsArray());

        Api.Delete("endpointslices", Namespace, "model-a-x1");
        Assert.Equal("503", await k8s.AnswerAsync("/model-a"));

        Api.Apply(EndpointSlice("model-a-x2", "model-a", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await k8s.WaitForAnswerAsync("/model-a", "b");
        Assert.Equal(generation, await GenerationAsync(k8s));
    }

    [Fact]
    public async Task Health_state_survives_an_endpoint_change_of_its_own_backend_and_of_another()
    {
        // model-b has a healthy pod and one whose health checks fail; every probe of the failing one fails, so once it
        // is marked unhealthy it stays so, and only a reset of its state would send it requests again.
        await using var failing = await TestBackend.StartAsync("failing");
        failing.Handler = context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };
        await using var extra = await TestBackend.StartAsync("extra");
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("model-b", new()
        {
            ["mlgateway.io/health-path"] = "/healthz",
            ["mlgateway.io/health-interval"] = "1s",
            ["mlgateway.io/health-timeout"] = "500ms",
            ["mlgateway.io/health-unhealthy-threshold"] = "1",
        }));
        Api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(EndpointSlice("model-b-x2", "model-b", PortOf(failing.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        Assert.DoesNotContain("model-b", await k8s.WarningsAsync(), StringComparison.Ordinal);
        // 40 answers in a row: with two pods picked at random, 10 could all be "b" by chance (about 1 in 1,000 per poll)
        // before the health check has marked the failing pod, and the test would go on with it still healthy.
        await Eventually.TrueAsync(async () => await AnswersAsync(k8s, "/model-b", 40) == "b", "the failing pod to be marked unhealthy");

        // Another backend's pod moves.
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(extra.Url), endpoints: Endpoint.ReadyPod));
        await k8s.WaitForAnswerAsync("/model-a", "extra");
        Assert.Equal("b", await AnswersAsync(k8s, "/model-b", 20));

        // model-b itself scales up: the failing pod stays in the backend, still unhealthy.
        Api.Apply(EndpointSlice("model-b-x3", "model-b", PortOf(extra.Url), endpoints: Endpoint.ReadyPod));
        await Eventually.TrueAsync(async () => (await AnswersAsync(k8s, "/model-b", 20)).Contains("extra", StringComparison.Ordinal), "the new pod to get requests");
        Assert.Equal("b,extra", await AnswersAsync(k8s, "/model-b", 40));
    }

    [Fact]
    public async Task Readyz_turns_ready_with_the_route_matcher_built_and_the_first_request_is_served()
    {
        Api.Apply(Service("model-a"));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        var logs = new CapturedLogs();
        await using var k8s = await KubernetesGateway.StartAsync(Api, null, builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddProvider(logs);
        });

        // The matcher is built before /readyz says ready, by a request that no backend or request log sees.
        Assert.Contains("Route matcher built for 1 routes", logs.All, StringComparison.Ordinal);
        Assert.Equal(0, A.RequestCount);
        using var response = await k8s.Gateway.Client.GetAsync("/model-a/v1/predict");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a", (await BackendEcho.ReadAsync(response)).Backend);
        Assert.Equal(1, A.RequestCount);
    }

    private static async Task<long> GenerationAsync(KubernetesGateway k8s) => (long)(await k8s.ConfigAsync())["generation"]!;

    /// <summary>The distinct answers of <paramref name="count"/> requests, in order, comma-separated.</summary>
    private static async Task<string> AnswersAsync(KubernetesGateway k8s, string path, int count)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            seen.Add(await k8s.AnswerAsync(path));
        }

        return string.Join(",", seen);
    }
}
