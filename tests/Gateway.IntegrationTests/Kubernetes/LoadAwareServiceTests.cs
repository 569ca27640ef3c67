using System.Net;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.ModelServerSimulator;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>A Service's load-balancing annotations, read through the real Kubernetes client, shape how its model-server pods are loaded.</summary>
// Metric listeners are process-wide: a gateway of a test running in parallel would add its series to the ones read here.
[Collection(SerialCollection.Name)]
public sealed class LoadAwareServiceTests : KubernetesTest
{
    private static HttpRequestMessage Completion(string? criticality = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/llm/v1/completions")
        {
            Content = new StringContent("""{"model":"sim-model","prompt":"Once upon a time","max_tokens":5}""", Encoding.UTF8, "application/json"),
        };
        if (criticality is not null)
        {
            request.Headers.Add("x-gateway-inference-objective", criticality);
        }

        return request;
    }

    [Fact]
    public async Task Load_aware_annotations_make_a_saturated_pod_shed_sheddable_requests_and_refuse_beyond_the_gateway_queue()
    {
        // The pod generates only when the test moves its clock, so it stays saturated for as long as the test needs.
        var clock = new FakeTimeProvider();
        await using var pod = await SimulatedModelServer.StartAsync("pod", new SimulatorOptions { MaxRunning = 1, TimeProvider = clock });
        Api.Apply(Service("llm", new()
        {
            ["mlgateway.io/load-balancing"] = "load-aware",
            ["mlgateway.io/scrape-interval"] = "2s",
            ["mlgateway.io/max-queue-depth"] = "1",
            ["mlgateway.io/gateway-queue-size"] = "0",
        }));
        Api.Apply(EndpointSlice("llm-x1", "llm", PortOf(pod.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api);

        var balancing = (await k8s.ConfigAsync())["model"]!["backends"]!["service/default/llm"]!["loadBalancing"]!;
        Assert.Equal("LoadAware", (string)balancing["mode"]!);
        Assert.Equal(1, (int)balancing["loadAware"]!["maxQueueDepth"]!);

        var running = k8s.Gateway.Client.SendAsync(Completion());
        var waiting = k8s.Gateway.Client.SendAsync(Completion());
        await Eventually.TrueAsync(() => Task.FromResult(pod.Running == 1 && pod.Waiting == 1), "one request running and one waiting at the pod");
        await Eventually.EqualAsync(1.0, () => ObservabilityTests.ScrapeAsync(k8s.Gateway, "gateway_endpoint_queue_depth", ("backend", "service/default/llm")), "the gateway's reading of the pod's queue");

        using (var shed = await k8s.Gateway.Client.SendAsync(Completion("Sheddable")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, shed.StatusCode);
            Assert.Equal("1", shed.Headers.RetryAfter?.ToString());
        }

        using (var refused = await k8s.Gateway.Client.SendAsync(Completion("Critical")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        }

        await Eventually.TrueAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                return Task.FromResult(running.IsCompleted && waiting.IsCompleted);
            },
            "both admitted requests to be answered as the pod's clock moves");
        using var first = await running;
        using var second = await waiting;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, pod.Served);
    }
}
