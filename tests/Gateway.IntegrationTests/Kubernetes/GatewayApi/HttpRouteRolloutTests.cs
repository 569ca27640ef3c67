using System.Text.Json.Nodes;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes.GatewayApi;

/// <summary>A rollout declared on an HTTPRoute's weighted backendRefs, run by the gateway over the written weights and told to the HTTPRoute as Events.</summary>
public sealed class HttpRouteRolloutTests : KubernetesTest
{
    private const string Route = """

        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: predict
          annotations:
            mlgateway.io/rollout-steps: "20,50,100"
            mlgateway.io/rollout-interval: "300ms"
            mlgateway.io/rollout-min-requests: "5"
            mlgateway.io/rollout-max-error-rate: "5%"
        spec:
          parentRefs: [ { name: gw } ]
          rules:
            - matches: [ { path: { value: /predict } } ]
              backendRefs: [ { name: model, port: 80, weight: 90 }, { name: model-v2, port: 80, weight: 10 } ]
        """;

    private bool HasEvent(string type, string reason, string text) => Api.Created("events").Any(item =>
        item["regarding"]?["kind"]?.GetValue<string>() == "HTTPRoute"
        && item["regarding"]?["name"]?.GetValue<string>() == "predict"
        && item["type"]?.GetValue<string>() == type
        && item["reason"]?.GetValue<string>() == reason
        && item["note"]?.GetValue<string>().Contains(text, StringComparison.Ordinal) == true);

    [Fact]
    public async Task A_healthy_canary_backendRef_steps_forward_to_promotion_over_the_written_weights_and_the_HTTPRoute_is_told_what_to_edit()
    {
        Api.Apply(Service("model", exposed: false));
        Api.Apply(EndpointSlice("model-x1", "model", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("model-v2", exposed: false));
        Api.Apply(EndpointSlice("model-v2-x1", "model-v2", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        foreach (var item in YamlObjects.Load(OurGateway.Yaml + Route, Namespace))
        {
            Api.Apply(item);
        }

        await using var k8s = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, "--Gateway:Rollout:TickInterval=00:00:00.1");

        await Eventually.TrueAsync(
            async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => k8s.AnswerAsync("/predict")));
                return HasEvent("Normal", "RolloutPromoted", "promoted after step 2 (50%) passed");
            },
            "a RolloutPromoted Event on the HTTPRoute");

        Assert.True(HasEvent("Normal", "RolloutStepped", "stepped to 50% (step 2 of 3) after 20% passed"), "no RolloutStepped Event on the HTTPRoute");
        Assert.True(
            HasEvent("Normal", "RolloutPromoted", "To finish, edit HTTPRoute 'default/predict' rule 0: keep only the backendRef to Service 'default/model-v2' port 80"),
            "the RolloutPromoted Event does not say which edit finishes the rollout");
        var rollout = JsonNode.Parse(await k8s.Gateway.Admin.GetStringAsync("/rollouts"))!.AsArray().Single()!;
        Assert.Equal("httproute/default/predict/0", (string?)rollout["route"]);
        Assert.Equal("promoted", (string?)rollout["phase"]);

        // The HTTPRoute still says 90/10: the promoted rollout's share wins until the user edits it.
        var stable = A.RequestCount;
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => k8s.AnswerAsync("/predict")));
        Assert.All(answers, answer => Assert.Equal("b", answer));
        Assert.Equal(stable, A.RequestCount);
    }
}
