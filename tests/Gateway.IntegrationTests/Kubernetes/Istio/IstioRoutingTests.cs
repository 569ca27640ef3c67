using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Kubernetes.Istio;

/// <summary>VirtualServices and DestinationRules route to real pods, subsets resolved through pod labels.</summary>
public sealed class IstioRoutingTests : IstioTest
{
    [Fact]
    public async Task Seed_003_splits_predict_90_10_between_subsets_v1_and_v2()
    {
        Api.Apply(IstioObjects.DestinationRule());
        Api.Apply(JsonNode.Parse(IstioObjects.Seed003)!.AsObject());
        await using var gateway = await StartGatewayAsync();
        await WaitForSubsetAsync(gateway, "v1", 1);
        await WaitForSubsetAsync(gateway, "v2", 1);

        const int Requests = 2000;
        var v2 = 0;
        for (var i = 0; i < Requests; i++)
        {
            var answer = await AnswerAsync(gateway, "/predict");
            Assert.True(answer is "pod-1" or "pod-2", $"request {i} got {answer}");
            v2 += answer == "pod-2" ? 1 : 0;
        }

        var share = 100.0 * v2 / Requests;
        Assert.InRange(share, 7.0, 13.0);
        Assert.Equal("404", await AnswerAsync(gateway, "/other"));
    }

    [Fact]
    public async Task A_header_match_routes_to_v2_and_routes_keep_their_order()
    {
        Api.Apply(IstioObjects.DestinationRule());
        Api.Apply(IstioObjects.VirtualService("ml-service", """
            [
              { "match": [{ "headers": { "end-user": { "exact": "jason" } } }],
                "route": [{ "destination": { "host": "ml-service", "subset": "v2" } }] },
              { "match": [{ "uri": { "exact": "/predict/v2" } }],
                "route": [{ "destination": { "host": "ml-service", "subset": "v2" } }] },
              { "route": [{ "destination": { "host": "ml-service", "subset": "v1" } }] }
            ]
            """));
        await using var gateway = await StartGatewayAsync();
        await WaitForSubsetAsync(gateway, "v2", 1);

        Assert.Equal("pod-2", await AnswerAsync(gateway, "/predict", ("end-user", "jason")));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/predict", ("end-user", "maria")));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/predict"));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/predict/v2"));
    }

    [Fact]
    public async Task Relabelled_pods_take_their_subset_traffic_with_them()
    {
        Api.Apply(IstioObjects.DestinationRule());
        Api.Apply(IstioObjects.VirtualService("ml-service", """
            [ { "route": [{ "destination": { "host": "ml-service", "subset": "v2" } }] } ]
            """));
        await using var gateway = await StartGatewayAsync();
        await Eventually.EqualAsync("pod-2", () => AnswerAsync(gateway, "/predict"), "v2 served by pod-2");

        // The rollout moves version v2 from pod-2 to pod-1.
        Api.Apply(IstioObjects.Pod("pod-1", "v2"));
        Api.Apply(IstioObjects.Pod("pod-2", "v1"));

        await Eventually.EqualAsync("pod-1", () => AnswerAsync(gateway, "/predict"), "v2 served by pod-1");
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("pod-1", await AnswerAsync(gateway, "/predict"));
        }
    }

    [Fact]
    public async Task Consistent_hashing_on_a_header_keeps_each_user_on_one_subset()
    {
        Api.Apply(IstioObjects.DestinationRule("""{ "loadBalancer": { "consistentHash": { "httpHeaderName": "x-user" } } }"""));
        Api.Apply(IstioObjects.VirtualService("ml-service", """
            [ { "route": [
                { "destination": { "host": "ml-service", "subset": "v1" }, "weight": 50 },
                { "destination": { "host": "ml-service", "subset": "v2" }, "weight": 50 } ] } ]
            """));
        await using var gateway = await StartGatewayAsync();
        await WaitForSubsetAsync(gateway, "v1", 1);
        await WaitForSubsetAsync(gateway, "v2", 1);

        var subsetsSeen = new HashSet<string>();
        for (var user = 0; user < 20; user++)
        {
            var first = await AnswerAsync(gateway, "/predict", ("x-user", $"user-{user}"));
            subsetsSeen.Add(first);
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(first, await AnswerAsync(gateway, "/predict", ("x-user", $"user-{user}")));
            }
        }

        // 20 users at 50/50 all on one side would be a 1 in 500,000 chance: the split itself still works.
        Assert.Equal(["pod-1", "pod-2"], subsetsSeen.Order());
    }

    [Fact]
    public async Task A_destination_without_subset_reaches_every_pod_of_the_service()
    {
        Api.Apply(IstioObjects.VirtualService("ml-service", """
            [ { "route": [{ "destination": { "host": "ml-service.models.svc.cluster.local", "port": { "number": 80 } } }] } ]
            """, version: "v1beta1"));
        await using var gateway = await StartGatewayAsync();

        var seen = new HashSet<string>();
        await Eventually.TrueAsync(
            async () =>
            {
                seen.Add(await AnswerAsync(gateway, "/x"));
                return seen.SetEquals(["pod-1", "pod-2"]);
            },
            "both pods to answer");
    }
}
