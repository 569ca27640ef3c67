using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>Two replicas against one API server: exactly one holds the Lease and writes; when it goes, the other takes over.</summary>
public sealed class LeaderElectionTests : IAsyncLifetime
{
    private static readonly string[] FastElection =
    [
        "--Gateway:Kubernetes:LeaderElection:LeaseDuration=00:00:02",
        "--Gateway:Kubernetes:LeaderElection:RenewDeadline=00:00:01.500",
        "--Gateway:Kubernetes:LeaderElection:RetryPeriod=00:00:00.300",
    ];

    private FakeKubernetesApiServer _api = null!;

    public async Task InitializeAsync() => _api = await FakeKubernetesApiServer.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task One_replica_leads_and_the_other_takes_over_when_it_stops()
    {
        var first = await KubernetesGateway.StartAsync(_api, extraArgs: FastElection);
        await using var second = await KubernetesGateway.StartAsync(_api, extraArgs: FastElection);
        await Eventually.EqualAsync(1, async () => await LeaderAsync(first.Gateway) + await LeaderAsync(second.Gateway), "the number of leaders");
        var holder = _api.Get("leases", "default", "mlgateway-leader")!["spec"]!["holderIdentity"]!.GetValue<string>();
        var leaderIdentity = (await (await LeaderAsync(first.Gateway) == 1 ? first : second).ConfigAsync())["kubernetes"]!["identity"]!.GetValue<string>();
        Assert.Equal(holder, leaderIdentity);

        // Stay a while: renewals keep the same leader, the follower keeps following.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await LeaderAsync(first.Gateway) + await LeaderAsync(second.Gateway));
        Assert.Equal(holder, _api.Get("leases", "default", "mlgateway-leader")!["spec"]!["holderIdentity"]!.GetValue<string>());

        var (leader, follower) = await LeaderAsync(first.Gateway) == 1 ? (first, second) : (second, first);
        await leader.DisposeAsync();

        await Eventually.EqualAsync(1, () => LeaderAsync(follower.Gateway), "the follower to lead");
        Assert.NotEqual(holder, _api.Get("leases", "default", "mlgateway-leader")!["spec"]!["holderIdentity"]!.GetValue<string>());
        if (leader == second)
        {
            await first.DisposeAsync();
        }
    }

    private static async Task<int> LeaderAsync(TestGateway gateway) =>
        (await gateway.GetConfigAsync())["kubernetes"]!["leader"]!.GetValue<bool>() ? 1 : 0;
}
