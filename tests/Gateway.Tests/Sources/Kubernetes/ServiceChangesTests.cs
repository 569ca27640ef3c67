using Gateway.Sources.Kubernetes;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class ServiceChangesTests
{
    [Fact]
    public void Each_take_names_the_services_changed_since_the_last_and_a_list_asks_for_everything()
    {
        var cache = new ResourceCache<k8s.Models.V1Service>();
        var changes = new ServiceChanges([cache]);
        cache.Replace([K8s.Service("a"), K8s.Service("b")]);
        Assert.Null(changes.Take());

        cache.Upsert(K8s.Service("a"));
        cache.Remove(K8s.Service("b"));
        cache.Upsert(K8s.Service("c"));
        Assert.Equal(["ml/a", "ml/b", "ml/c"], changes.Take()!.Order(StringComparer.Ordinal));
        Assert.Empty(changes.Take()!);

        cache.Upsert(K8s.Service("d"));
        cache.Replace([K8s.Service("a")]);
        Assert.Null(changes.Take());
        Assert.Empty(changes.Take()!);
    }
}
