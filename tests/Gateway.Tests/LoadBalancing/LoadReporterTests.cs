using System.Diagnostics.CodeAnalysis;
using Gateway.LoadBalancing;
using Gateway.Model;
using Gateway.Observability;
using Gateway.Resilience;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests.LoadBalancing;

public sealed class LoadReporterTests
{
    private static readonly LoadAwareSettings Settings = new() { ScrapeInterval = TimeSpan.FromSeconds(1), StaleAfterIntervals = 3 };

    private readonly FakeTimeProvider _time = new();
    private readonly EndpointLoadTable _table = new();
    private readonly ClusterState _llm = Cluster("llm", ("http://10.0.0.2:8000", 1), ("http://10.0.0.1:8000", 4));
    private readonly LoadReporter _reporter;

    public LoadReporterTests()
    {
        var runtimes = new ClusterRuntimeTable();
        runtimes.Publish(new Dictionary<string, ClusterRuntime> { ["llm"] = new() { LoadAware = Settings } });
        var lookup = new ProxyState(Cluster("round-robin", ("http://10.0.0.9:8000", 0)), _llm);
        _reporter = new LoadReporter(lookup, runtimes, _table, new AdmissionQueueTable(_table, _time), _time);
    }

    [Fact]
    public void Only_load_aware_backends_are_reported_with_their_endpoints_by_address_and_the_last_reading()
    {
        var first = _llm.Destinations.Values.Single(d => d.Model.Config.Address == "http://10.0.0.1:8000");
        _table.Publish(new Dictionary<DestinationState, EndpointLoad> { [first] = new(new ServerLoad(2, 3, 0.5), _time.GetTimestamp(), 4) });
        _time.Advance(TimeSpan.FromSeconds(1.5));

        var backend = Assert.Single(_reporter.Read());
        Assert.Equal("llm", backend.Backend);
        Assert.Equal(TimeSpan.FromSeconds(3), backend.StaleAfter);
        Assert.Equal(0, backend.Queued);
        Assert.Equal(["http://10.0.0.1:8000", "http://10.0.0.2:8000"], backend.Endpoints.Select(e => e.Address));
        var read = backend.Endpoints[0];
        Assert.Equal((4, 2.0, 3.0, 0.5, TimeSpan.FromSeconds(1.5), false), (read.InFlight, read.Waiting, read.Running, read.KvCacheUsage, read.Age!.Value, read.Stale));
        var unread = backend.Endpoints[1];
        Assert.Equal(1, unread.InFlight);
        Assert.True(double.IsNaN(unread.Waiting) && double.IsNaN(unread.KvCacheUsage));
        Assert.Null(unread.Age);
        Assert.True(unread.Stale);
    }

    [Fact]
    public void A_reading_is_stale_exactly_when_the_picker_stops_using_it()
    {
        var destination = _llm.Destinations.Values.First();
        _table.Publish(new Dictionary<DestinationState, EndpointLoad> { [destination] = new(new ServerLoad(0, 1, 0.1), _time.GetTimestamp(), 0) });

        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(Report(destination).Stale);

        _time.Advance(TimeSpan.FromSeconds(0.1));
        var stale = Report(destination);
        Assert.True(stale.Stale);
        Assert.Equal(TimeSpan.FromSeconds(3), stale.Age);
        Assert.Equal(1.0, stale.Running);
    }

    private EndpointLoadReport Report(DestinationState destination) =>
        _reporter.Read().Single().Endpoints.Single(e => e.Address == destination.Model.Config.Address);

    private static ClusterState Cluster(string id, params (string Address, int InFlight)[] endpoints)
    {
        var cluster = new ClusterState(id, new ClusterModel(new ClusterConfig { ClusterId = id }, new HttpMessageInvoker(new HttpClientHandler())));
        for (var i = 0; i < endpoints.Length; i++)
        {
            cluster.Destinations[$"d{i}"] = new DestinationState($"d{i}", new DestinationModel(new DestinationConfig { Address = endpoints[i].Address }))
            {
                ConcurrentRequestCount = endpoints[i].InFlight,
            };
        }

        return cluster;
    }

    /// <summary>YARP's view of the clusters, as the reporter reads it.</summary>
    private sealed class ProxyState(params ClusterState[] clusters) : IProxyStateLookup
    {
        public IEnumerable<ClusterState> GetClusters() => clusters;

        public IEnumerable<Yarp.ReverseProxy.Model.RouteModel> GetRoutes() => [];

        public bool TryGetCluster(string id, [NotNullWhen(true)] out ClusterState? cluster)
        {
            cluster = Array.Find(clusters, c => c.ClusterId == id);
            return cluster is not null;
        }

        public bool TryGetRoute(string id, [NotNullWhen(true)] out Yarp.ReverseProxy.Model.RouteModel? route)
        {
            route = null;
            return false;
        }
    }
}
