using System.Text.Json.Nodes;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>A rollout declared by annotations on a canary Service, judged by the gateway and told to the Service as Events.</summary>
public sealed class RolloutEventTests : KubernetesTest
{
    private static bool IsEventAbout(JsonObject item, string service, string type, string reason, string text) =>
        item["regarding"]?["name"]?.GetValue<string>() == service
        && item["regarding"]?["kind"]?.GetValue<string>() == "Service"
        && item["type"]?.GetValue<string>() == type
        && item["reason"]?.GetValue<string>() == reason
        && item["note"]?.GetValue<string>().Contains(text, StringComparison.Ordinal) == true;

    [Fact]
    public async Task A_failing_canary_service_is_rolled_back_and_the_service_gets_a_RolloutRolledBack_event()
    {
        B.Handler = context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        Api.Apply(Service("model"));
        Api.Apply(EndpointSlice("model-x1", "model", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("model-v2", new()
        {
            ["mlgateway.io/canary-of"] = "model",
            ["mlgateway.io/rollout-steps"] = "50,100",
            ["mlgateway.io/rollout-interval"] = "1h",
            ["mlgateway.io/rollout-min-requests"] = "10",
            ["mlgateway.io/rollout-max-error-rate"] = "10%",
        }));
        Api.Apply(EndpointSlice("model-v2-x1", "model-v2", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, "--Gateway:Rollout:TickInterval=00:00:00.1");

        await Eventually.TrueAsync(
            async () =>
            {
                await k8s.AnswerAsync("/model");
                return Api.Created("events").Any(e => IsEventAbout(e, "model-v2", "Warning", "RolloutRolledBack", "rolled back at step 1 (50%): error rate 100%"));
            },
            "a RolloutRolledBack Event on the canary Service");

        var canaryRequests = B.RequestCount;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("a", await k8s.AnswerAsync("/model"));
        }

        Assert.Equal(canaryRequests, B.RequestCount);
    }
}
