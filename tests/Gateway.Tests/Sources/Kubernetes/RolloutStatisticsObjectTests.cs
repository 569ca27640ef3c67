using Gateway.Sources.Kubernetes;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class RolloutStatisticsObjectTests
{
    [Theory]
    [InlineData("mlgateway-7d9f8-x2kq", "mlgateway-rollout-stats-mlgateway-7d9f8-x2kq")]
    [InlineData("Build_Host_1a2b3c4d", "mlgateway-rollout-stats-build-host-1a2b3c4d")]
    [InlineData("host_", "mlgateway-rollout-stats-host")]
    public void A_replicas_object_is_named_after_it_as_a_valid_configmap_name(string replica, string expected) =>
        Assert.Equal(expected, RolloutStatisticsObject.NameOf(replica));

    [Fact]
    public void A_very_long_replica_name_is_cut_to_the_longest_configmap_name()
    {
        var name = RolloutStatisticsObject.NameOf(new string('a', 400));

        Assert.Equal(253, name.Length);
        Assert.StartsWith(RolloutStatisticsObject.NamePrefix, name, StringComparison.Ordinal);
    }

    [Fact]
    public void The_object_is_owned_by_its_pod_only_when_the_pod_is_known_and_in_the_same_namespace()
    {
        var owner = RolloutStatisticsObject.Owner("gw-1", "uid-1", "mlgateway-system", "mlgateway-system");
        var configMap = RolloutStatisticsObject.Create("mlgateway-rollout-stats-gw-1", "mlgateway-system", owner, "{}");

        Assert.Equal(("v1", "Pod", "gw-1", "uid-1"), (owner!.ApiVersion, owner.Kind, owner.Name, owner.Uid));
        Assert.Same(owner, Assert.Single(configMap.Metadata.OwnerReferences));
        Assert.Equal("true", configMap.Metadata.Labels[RolloutStatisticsObject.Label]);
        Assert.Equal("{}", configMap.Data[RolloutStatisticsObject.Key]);

        // Another namespace's Pod would make the garbage collector delete the object at once; without a uid there is no owner.
        Assert.Null(RolloutStatisticsObject.Owner("gw-1", "uid-1", "mlgateway-system", "other"));
        Assert.Null(RolloutStatisticsObject.Owner("gw-1", null, "mlgateway-system", "mlgateway-system"));
        Assert.Null(RolloutStatisticsObject.Create("n", "ns", null, "{}").Metadata.OwnerReferences);
    }
}
