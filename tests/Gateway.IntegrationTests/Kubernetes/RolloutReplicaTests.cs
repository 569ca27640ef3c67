using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// Two replicas on one API server share one rollout: the leader decides on both replicas' counts and publishes, the
/// other follows as soon as the state changes, and takes over where the leader left it.
/// </summary>
public sealed class RolloutReplicaTests : KubernetesTest
{
    private const string ThroughFollower = "x-through-follower";

    // Ticks and statistics fast enough for a test, and no drain delay at shutdown. The Lease keeps its default timings,
    // so the replica that leads first keeps leading on a busy machine.
    private static readonly string[] Args =
    [
        "--Gateway:Rollout:TickInterval=00:00:00.1",
        "--Gateway:Rollout:StatisticsInterval=00:00:00.2",
    ];

    // A short Lease, for the test that stops the leader: the other replica takes over within seconds.
    private static readonly string[] FastFailover =
    [
        .. Args,
        "--Gateway:Kubernetes:LeaderElection:LeaseDuration=00:00:02",
        "--Gateway:Kubernetes:LeaderElection:RenewDeadline=00:00:01.500",
        "--Gateway:Kubernetes:LeaderElection:RetryPeriod=00:00:00.300",
    ];

    private static readonly Dictionary<string, string> FailFast = new()
    {
        ["mlgateway.io/canary-of"] = "model",
        ["mlgateway.io/rollout-steps"] = "50,100",
        ["mlgateway.io/rollout-interval"] = "1h",
        ["mlgateway.io/rollout-min-requests"] = "10",
        ["mlgateway.io/rollout-max-error-rate"] = "10%",
    };

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
        var first = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, FastFailover);
        await using var second = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, FastFailover);
        await Eventually.TrueAsync(async () => await LeadsAsync(first) != await LeadsAsync(second), "one replica to lead");
        var (leader, follower) = await LeadsAsync(first) ? (first, second) : (second, first);

        // Traffic through both; the leader counts both (the follower publishes its counts), and the follower applies what the leader published.
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

    [Fact]
    public async Task A_canary_failing_only_on_the_followers_traffic_is_rolled_back_by_the_leader_on_the_pooled_counts()
    {
        // The canary fails the requests that came through the follower, and only those.
        B.Handler = context =>
        {
            context.Response.StatusCode = context.Request.Headers.ContainsKey(ThroughFollower) ? 500 : 200;
            return Task.CompletedTask;
        };
        Api.Apply(Service("model"));
        Api.Apply(EndpointSlice("model-x1", "model", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("model-v2", FailFast));
        Api.Apply(EndpointSlice("model-v2-x1", "model-v2", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await using var first = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, Args);
        await using var second = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, Args);
        await Eventually.TrueAsync(async () => await LeadsAsync(first) != await LeadsAsync(second), "one replica to lead");
        var (leader, follower) = await LeadsAsync(first) ? (first, second) : (second, first);
        await Eventually.EqualAsync(50, async () => (int?)(await RolloutAsync(follower))?["weight"] ?? -1, "the follower to apply the first step");

        // The leader's own traffic is healthy: enough canary requests to judge, none failed.
        var canaryBefore = B.RequestCount;
        var leaderAnswers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => StatusAsync(leader, follower: false)));
        Assert.All(leaderAnswers, status => Assert.Equal(200, status));
        Assert.True(B.RequestCount - canaryBefore >= 10, $"The leader sent only {B.RequestCount - canaryBefore} of 40 requests to the canary.");
        Assert.Equal("progressing", (string?)(await RolloutAsync(leader))!["phase"]);

        await Eventually.TrueAsync(
            async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => StatusAsync(follower, follower: true)));
                return (string?)(await RolloutAsync(leader))!["phase"] == "rolled_back";
            },
            "the leader to roll back on the follower's failures");

        var message = (string)(await RolloutAsync(leader))!["message"]!;
        Assert.Matches(@"^rolled back at step 1 \(50%\): error rate [\d.]+% \([1-9]\d* of \d+\) against at most 10%; counted on 2 replicas$", message);
        await Eventually.TrueAsync(
            () => Task.FromResult(Api.Created("events").Any(e => e["reason"]?.GetValue<string>() == "RolloutRolledBack" && e["note"]!.GetValue<string>().Contains("counted on 2 replicas", StringComparison.Ordinal))),
            "a RolloutRolledBack Event with the pooled numbers");
        await Eventually.EqualAsync("rolled_back", async () => (string?)(await RolloutAsync(follower))?["phase"], "the follower to apply the rollback");
    }

    [Fact]
    public async Task A_follower_applies_the_leaders_step_within_a_second_because_it_watches_the_state()
    {
        Api.Apply(Service("model"));
        Api.Apply(EndpointSlice("model-x1", "model", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("model-v2", new()
        {
            ["mlgateway.io/canary-of"] = "model",
            ["mlgateway.io/rollout-steps"] = "10,30,60",
            ["mlgateway.io/rollout-interval"] = "1s",
            ["mlgateway.io/rollout-min-requests"] = "5",
        }));
        Api.Apply(EndpointSlice("model-v2-x1", "model-v2", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await using var leader = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, Args);
        await Eventually.TrueAsync(() => LeadsAsync(leader), "the first replica to lead");

        // The follower's own tick is a minute: only the watch can bring it the leader's step within a second.
        await using var follower = await KubernetesGateway.StartAsync(Api, null, waitUntilReady: true, [.. Args, "--Gateway:Rollout:TickInterval=00:01:00"]);
        Assert.False(await LeadsAsync(follower));

        JsonNode stepped;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => leader.AnswerAsync("/model")));
            if (await RolloutAsync(leader) is { } status && (int)status["weight"]! == 30)
            {
                stepped = status;
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "The leader did not reach the second step.");
        }

        // No more traffic: the leader holds at 30 %, and its step's start names the step on both replicas.
        var stepStartedAt = (string)stepped["stepStartedAt"]!;
        await Eventually.EqualAsync(stepStartedAt, async () => (string?)(await RolloutAsync(follower))?["stepStartedAt"], "the follower to apply the leader's second step");
        var followed = (await RolloutAsync(follower))!;
        Assert.Equal(30, (int)followed["weight"]!);
        var lag = DateTimeOffset.Parse((string)followed["appliedAt"]!, CultureInfo.InvariantCulture) - DateTimeOffset.Parse((string)stepped["appliedAt"]!, CultureInfo.InvariantCulture);
        Assert.True(lag >= TimeSpan.Zero && lag < TimeSpan.FromSeconds(1), $"The follower applied the step {lag.TotalMilliseconds} ms after the leader.");
    }

    private static async Task<int> StatusAsync(KubernetesGateway gateway, bool follower)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/model");
        if (follower)
        {
            request.Headers.Add(ThroughFollower, "1");
        }

        using var response = await gateway.Gateway.Client.SendAsync(request);
        return (int)response.StatusCode;
    }
}
