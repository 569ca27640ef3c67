using Gateway.Model;
using Gateway.Sources.Kubernetes;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class EndpointTrackerTests
{
    [Fact]
    public void A_slice_change_replaces_the_set_of_its_service_in_place_and_raises_changed_once()
    {
        var cache = new ResourceCache<V1EndpointSlice>();
        var tracker = new EndpointTracker([cache]);
        var slice = K8s.Slice("model", "http", 8080, K8s.Pod("10.0.0.1"));
        cache.Replace([slice, K8s.Slice("other", "http", 8080, K8s.Pod("10.0.9.1"))]);
        var set = tracker.EndpointsOf("ml", "model", "http");
        var other = tracker.EndpointsOf("ml", "other", "http");
        List<string> changes = [];
        set.Changed += s => changes.Add(string.Join(",", s.Current));
        other.Changed += s => changes.Add("other");

        Assert.True(set.IsLive);
        Assert.Equal<string>(["http://10.0.0.1:8080"], set.Current);

        // A new pod address in the same slice, then a second slice, then the first slice gone.
        cache.Upsert(Renamed(K8s.Slice("model", "http", 8080, K8s.Pod("10.0.0.2")), slice.Metadata.Name));
        var second = K8s.Slice("model", "http", 8080, K8s.Pod("10.0.0.3"), K8s.Pod("10.0.0.4", ready: false));
        cache.Upsert(second);
        cache.Remove(slice);

        Assert.Same(set, tracker.EndpointsOf("ml", "model", "http"));
        Assert.Equal(["http://10.0.0.2:8080", "http://10.0.0.2:8080,http://10.0.0.3:8080", "http://10.0.0.3:8080"], changes);

        // A change that leaves the ready addresses as they were raises nothing.
        cache.Upsert(Renamed(K8s.Slice("model", "http", 8080, K8s.Pod("10.0.0.3"), K8s.Pod("10.0.0.5", ready: false)), second.Metadata.Name));
        Assert.Equal(3, changes.Count);
    }

    [Fact]
    public void A_relist_recomputes_every_set_and_signals_the_publishers_while_single_slices_do_not()
    {
        var cache = new ResourceCache<V1EndpointSlice>();
        var tracker = new EndpointTracker([cache]);
        var signals = 0;
        tracker.Changed += () => signals++;
        Assert.False(tracker.IsSynced);

        cache.Replace([K8s.Slice("model", "http", 8080, K8s.Pod("10.0.0.1"))]);
        var set = tracker.EndpointsOf("ml", "model", "http");
        cache.Upsert(K8s.Slice("model", "http", 8080, K8s.Pod("10.0.0.2")));
        Assert.Equal(1, signals);

        cache.Replace([K8s.Slice("model", "http", 8080, K8s.Pod("10.0.0.7"))]);

        Assert.True(tracker.IsSynced);
        Assert.Equal(2, signals);
        Assert.Equal<string>(["http://10.0.0.7:8080"], set.Current);
        Assert.Empty(tracker.EndpointsOf("ml", "model", "grpc").Current);
    }

    [Fact]
    public void Sets_are_per_service_port_and_a_fixed_set_cannot_change()
    {
        var cache = new ResourceCache<V1EndpointSlice>();
        var tracker = new EndpointTracker([cache]);
        cache.Replace([K8s.Slice("model", "http", 8080, K8s.Pod("10.0.0.1")), K8s.Slice("model", "metrics", 9100, K8s.Pod("10.0.0.1"))]);

        Assert.Equal<string>(["http://10.0.0.1:9100"], tracker.EndpointsOf("ml", "model", "metrics").Current);
        Assert.Empty(tracker.EndpointsOf("ml", "absent", "http").Current);
        EndpointSet fixedSet = ["http://10.0.0.1:80"];
        Assert.False(fixedSet.IsLive);
        Assert.Throws<InvalidOperationException>(() => fixedSet.Replace(["http://10.0.0.2:80"]));
        EndpointSet same = ["http://10.0.0.1:80"];
        Assert.Equal(fixedSet, same);
    }

    private static V1EndpointSlice Renamed(V1EndpointSlice slice, string name)
    {
        slice.Metadata.Name = name;
        return slice;
    }
}
