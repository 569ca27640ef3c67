using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>Two replicas on one API server share one rollout: the leader decides and publishes, the other follows and takes over.</summary>
public sealed class RolloutReplicaTests : KubernetesTest
{
    private static readonly string[] Args =
    [
        "--Gateway:Kubernetes:LeaderElection:LeaseDuration=00:00:02",
        "--Gateway:Kubernetes:LeaderElection:RenewDeadline=00:00:01.500",
        "--Gateway:Kubernetes:LeaderElection:RetryPeriod=00:00:00.300",
        "--Gateway:Rollout:TickInterval=00:00:00.1",
    ];

    private static async Task<JsonNode?> RolloutAsync(KubernetesGateway gateway) =>
        JsonNode.Parse(await gateway.Gateway.Admin.GetStringAsync("/rollouts"))!.AsArray().SingleOrDefault();

    private static async Task<bool> LeadsAsync(KubernetesGateway gateway) =>
        (await gateway.ConfigAsync())["kubernetes"]!["leader"]!.GetValue<bool>();

    [Fact]
    public async Task The_follower_applies_the_leaders_steps_and_resumes_from_the_stored_step_when_the_leader_stops()
    {
        Api.Apply(Service("model"));
        Api.Apply(EndpointSlice("model-x1", "model", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("model-v2", new()
        {
            ["mlgateway.io/canary-of"] = "model",
            ["mlgateway.io/rollout-steps"] = "10,30,60",
            ["mlgateway.io/rollout-interval"] = "1s",
            ["mlgateway.io/rollout-min-requests"] = "5",
            ["mlgateway.io/rollout-max-error-rate"] = "10%",
        }));
        Api.Apply(EndpointSlice("model-v2-x1", "model-v2", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        var first = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, Args);
        await using var second = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, Args);
        await Eventually.TrueAsync(async () => await LeadsAsync(first) != await LeadsAsync(second), "one replica to lead");
        var (leader, follower) = await LeadsAsync(first) ? (first, second) : (second, first);

        // Traffic through both; only the leader's counts, and the follower applies what the leader published.
        var clock = Stopwatch.StartNew();
        int leaderWeight;
        while (true)
        {
            await leader.AnswerAsync("/model");
            await follower.AnswerAsync("/model");
            leaderWeight = (int?)(await RolloutAsync(leader))?["weight"] ?? 0;
            if (leaderWeight == 30)
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The leader did not reach the second step.");
        }

        await Eventually.EqualAsync(30, async () => (int?)(await RolloutAsync(follower))?["weight"] ?? -1, "the follower to apply the leader's second step");
        var shared = Api.Get("configmaps", "default", "mlgateway-rollouts")!["data"]!["rollouts.json"]!.GetValue<string>();
        Assert.Contains("\"weight\":30", shared);
        using (var refused = await follower.Gateway.Admin.PostAsync("/rollouts/service/default/model/pause", null))
        {
            Assert.Contains("this replica follows the rollout state the leader publishes", await refused.Content.ReadAsStringAsync());
        }

        await leader.DisposeAsync();
        await Eventually.TrueAsync(() => LeadsAsync(follower), "the follower to lead");
        await Eventually.TrueAsync(
            async () => ((JsonArray)(await RolloutAsync(follower))!["history"]!).Any(h => ((string)h!).Contains("resumed from the shared state at step 2 (30%)", StringComparison.Ordinal)),
            "the new leader to resume at the stored step");
        var status = await RolloutAsync(follower);
        Assert.True((int)status!["weight"]! >= 30, $"The new leader went back below the stored step: {status.ToJsonString()}");
        var history = ((JsonArray)status["history"]!).Select(h => (string)h!).ToList();
        var takeover = history.FindIndex(h => h.Contains("resumed from the shared state", StringComparison.Ordinal));
        Assert.DoesNotContain(history.Skip(takeover + 1), h => h.Contains("started at step 1", StringComparison.Ordinal));
        if (leader == second)
        {
            await first.DisposeAsync();
        }
    }
}
