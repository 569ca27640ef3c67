using BenchmarkDotNet.Attributes;
using Gateway.LoadBalancing;
using Gateway.Model;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.Benchmarks;

/// <summary>
/// What load-aware picking adds to a request of a model-server backend of 8 endpoints with fresh readings: the pick
/// itself, and the saturation check the admission step makes first. Both must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class LoadAwarePickBenchmarks
{
    // Readings that stay fresh however long the benchmark runs, so the path measured is the one with readings.
    private static readonly LoadAwareSettings Settings = LoadAwareSettings.Default with { StaleAfterIntervals = 1_000_000 };

    private readonly EndpointLoadTable _table = new();
    private readonly ClusterRuntimeTable _clusters = new();
    private readonly DefaultHttpContext _context = new();
    private ClusterState _cluster = null!;
    private DestinationState[] _destinations = null!;
    private LoadAwarePolicy _policy = null!;

    [GlobalSetup]
    public void Setup()
    {
        _clusters.Publish(new Dictionary<string, ClusterRuntime> { ["llm"] = new() { LoadAware = Settings } });
        _cluster = new ClusterState("llm", new ClusterModel(new ClusterConfig { ClusterId = "llm" }, new HttpMessageInvoker(new HttpClientHandler())));
        _destinations = [.. Enumerable.Range(0, 8).Select(i => new DestinationState($"d{i}", new DestinationModel(new DestinationConfig { Address = $"http://10.0.0.{i}:8000" })) { ConcurrentRequestCount = i % 3 })];
        var loads = new Dictionary<DestinationState, EndpointLoad>();
        foreach (var destination in _destinations)
        {
            loads[destination] = new EndpointLoad(new ServerLoad(destination.ConcurrentRequestCount, 4, 0.5), TimeProvider.System.GetTimestamp(), 0);
        }

        _table.Publish(loads);
        _policy = new LoadAwarePolicy(_table, _clusters, TimeProvider.System);
    }

    [Benchmark]
    public DestinationState? Pick() => _policy.PickDestination(_context, _cluster, _destinations);

    [Benchmark]
    public bool SaturationCheck() => LoadScore.AllSaturated(_destinations, _table, Settings, TimeProvider.System);
}
