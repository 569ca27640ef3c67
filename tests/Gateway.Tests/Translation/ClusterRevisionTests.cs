using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Proxy.Translation;

namespace Gateway.Tests.Translation;

/// <summary>
/// YARP keeps a cluster (its state and HTTP client) while its config is value-equal to the last one, so a change that
/// only the cluster's runtime carries must still change the cluster config; an unchanged backend must give an equal one.
/// </summary>
public sealed class ClusterRevisionTests
{
    private static readonly BackendHealthCheck Checks = new()
    {
        Active = new ActiveHealthCheck(),
        Passive = new PassiveHealthCheck(),
    };

    private static readonly BackendModel Base = new()
    {
        Name = "b",
        Endpoints = ["http://10.0.0.1:80"],
        HealthCheck = Checks,
        MaxConcurrentRequests = 8,
    };

    private static readonly Dictionary<string, BackendModel> Changes = new()
    {
        ["healthy threshold"] = Base with { HealthCheck = Checks with { Active = new ActiveHealthCheck { HealthyThreshold = 5 } } },
        ["unhealthy threshold"] = Base with { HealthCheck = Checks with { Active = new ActiveHealthCheck { UnhealthyThreshold = 5 } } },
        ["consecutive failures"] = Base with { HealthCheck = Checks with { Passive = new PassiveHealthCheck { ConsecutiveFailures = 9 } } },
        ["connect retry"] = Base with { ConnectFailover = new ConnectFailover { Retry = false } },
        ["concurrency limit"] = Base with { MaxConcurrentRequests = 9 },
        ["connect timeout"] = Base with { ConnectTimeout = TimeSpan.FromSeconds(1) },
    };

    public static TheoryData<string> RuntimeOnlyChanges() => [.. Changes.Keys];

    [Theory]
    [MemberData(nameof(RuntimeOnlyChanges))]
    public void A_change_only_the_runtime_sees_changes_the_yarp_cluster(string change)
    {
        var before = Translate(Base);
        var after = Translate(Changes[change]);

        Assert.NotEqual(before.Clusters[0], after.Clusters[0]);
        Assert.NotEqual(before.ClusterRuntimes["b"], after.ClusterRuntimes["b"]);
    }

    [Fact]
    public void The_same_backend_translated_again_gives_an_equal_yarp_cluster()
    {
        Assert.Equal(Translate(Base).Clusters[0], Translate(Base with { }).Clusters[0]);
    }

    private static ProxyConfigSnapshot Translate(BackendModel backend) =>
        YarpTranslator.Translate(new GatewayModel { Backends = ImmutableDictionary<string, BackendModel>.Empty.Add(backend.Name, backend) });
}
