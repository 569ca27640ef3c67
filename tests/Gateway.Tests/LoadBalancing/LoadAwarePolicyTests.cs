using Gateway.LoadBalancing;
using Gateway.Model;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests.LoadBalancing;

public sealed class LoadAwarePolicyTests
{
    private static readonly LoadAwareSettings Settings = new() { ScrapeInterval = TimeSpan.FromSeconds(1), StaleAfterIntervals = 3, MaxQueueDepth = 4, MaxKvCacheUsage = 0.9 };

    private readonly FakeTimeProvider _time = new();
    private readonly EndpointLoadTable _table = new();
    private readonly ClusterState _cluster = Cluster();
    private readonly LoadAwarePolicy _policy;

    public LoadAwarePolicyTests()
    {
        var runtimes = new ClusterRuntimeTable();
        runtimes.Publish(new Dictionary<string, ClusterRuntime> { ["c"] = new() { LoadAware = Settings } });
        _policy = new LoadAwarePolicy(_table, runtimes, _time);
    }

    [Fact]
    public void Without_readings_the_endpoint_with_the_fewest_requests_in_flight_wins()
    {
        var destinations = Destinations(4, inFlight: [5, 2, 7, 3]);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("d1", Pick(destinations));
        }
    }

    [Fact]
    public void A_fresh_reading_of_a_server_queue_steers_requests_away_from_it()
    {
        var destinations = Destinations(3, inFlight: [2, 2, 2]);
        Publish((destinations[0], Load(waiting: 6)), (destinations[1], Load(waiting: 0, kvCache: 0.5)), (destinations[2], Load(waiting: 0, kvCache: 0.1)));

        Assert.Equal("d2", Pick(destinations));
    }

    [Fact]
    public void A_reading_older_than_its_stale_bound_is_ignored_and_in_flight_counts_decide()
    {
        var destinations = Destinations(2, inFlight: [1, 3]);
        Publish((destinations[0], Load(waiting: 10)), (destinations[1], Load(waiting: 0)));
        Assert.Equal("d1", Pick(destinations));

        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.Equal("d1", Pick(destinations));

        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal("d0", Pick(destinations));
    }

    [Fact]
    public void Requests_sent_since_the_reading_count_on_top_of_the_reported_queue()
    {
        var destinations = Destinations(2, inFlight: [0, 0]);
        Publish((destinations[0], Load(waiting: 1)), (destinations[1], Load(waiting: 1)));

        destinations[0].ConcurrentRequestCount = 1;
        Assert.Equal("d1", Pick(destinations));
        Assert.False(LoadScore.AllSaturated(destinations, _table, Settings, _time));

        destinations[0].ConcurrentRequestCount = 3;
        destinations[1].ConcurrentRequestCount = 3;
        Assert.True(LoadScore.AllSaturated(destinations, _table, Settings, _time));
    }

    [Fact]
    public void An_endpoint_counts_as_saturated_by_its_kv_cache_and_never_without_a_fresh_reading()
    {
        var destinations = Destinations(2, inFlight: [0, 0]);
        Publish((destinations[0], Load(waiting: 0, kvCache: 0.95)));
        Assert.False(LoadScore.AllSaturated(destinations, _table, Settings, _time));
        Assert.Equal(1, LoadScore.CountUnsaturated(destinations, _table, Settings, _time));

        Publish((destinations[0], Load(waiting: 0, kvCache: 0.95)), (destinations[1], Load(waiting: 4)));
        Assert.True(LoadScore.AllSaturated(destinations, _table, Settings, _time));

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(LoadScore.AllSaturated(destinations, _table, Settings, _time));
    }

    [Fact]
    public void A_server_without_a_queue_is_not_taken_to_queue_what_was_sent_since_but_one_with_a_queue_is()
    {
        var destinations = Destinations(2, inFlight: [3, 3]);
        Publish((destinations[0], Load(waiting: 0)), (destinations[1], Load(waiting: 1)));

        Assert.Equal("d0", Pick(destinations));
        destinations[0].ConcurrentRequestCount = 10;
        Assert.False(LoadScore.IsSaturated(destinations[0], _table.Current[destinations[0]], Settings));
        Assert.True(LoadScore.IsSaturated(destinations[1], _table.Current[destinations[1]] with { InFlightAtRead = 0 }, Settings));
    }

    [Fact]
    public void The_servers_own_count_includes_requests_of_other_gateway_replicas()
    {
        var destinations = Destinations(2, inFlight: [1, 2]);
        Publish((destinations[0], Load(waiting: 0, running: 6)), (destinations[1], Load(waiting: 0, running: 2)));

        Assert.Equal("d1", Pick(destinations));
    }

    [Fact]
    public void Ties_spread_over_every_endpoint()
    {
        var destinations = Destinations(4, inFlight: [1, 1, 1, 1]);
        var picked = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            picked.Add(Pick(destinations));
        }

        Assert.Equal(4, picked.Count);
    }

    private string Pick(DestinationState[] destinations) => _policy.PickDestination(new DefaultHttpContext(), _cluster, destinations)!.DestinationId;

    private EndpointLoad Load(double waiting, double kvCache = 0, double running = 1) => new(new ServerLoad(waiting, running, kvCache), _time.GetTimestamp(), 0);

    private void Publish(params (DestinationState Destination, EndpointLoad Load)[] readings)
    {
        var loads = new Dictionary<DestinationState, EndpointLoad>();
        foreach (var (destination, load) in readings)
        {
            loads[destination] = load;
        }

        _table.Publish(loads);
    }

    private static ClusterState Cluster() =>
        new("c", new ClusterModel(new ClusterConfig { ClusterId = "c", LoadBalancingPolicy = LoadAwarePolicy.PolicyName }, new HttpMessageInvoker(new HttpClientHandler())));

    private static DestinationState[] Destinations(int count, int[] inFlight) =>
        [.. Enumerable.Range(0, count).Select(i => new DestinationState($"d{i}", new DestinationModel(new DestinationConfig { Address = $"http://10.0.0.{i}:8000" })) { ConcurrentRequestCount = inFlight[i] })];
}
