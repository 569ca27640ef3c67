using System.Net.Http;
using BenchmarkDotNet.Attributes;
using Gateway.LoadBalancing;
using Gateway.Model;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.Benchmarks;

/// <summary>
/// What Istio's traffic features add per request: a consistent-hash endpoint pick over 8 endpoints (header key) and the
/// fault-injection draws. Every benchmark must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class IstioHotPathBenchmarks
{
    private readonly ConsistentHashPolicy _policy = new();
    private readonly Random _random = new(1);
    private readonly FaultBehavior _fault = new(new FaultInjection { Delay = TimeSpan.FromSeconds(1), DelayPercent = 10, AbortStatus = 503, AbortPercent = 50 });
    private ClusterState _cluster = null!;
    private DestinationState[] _destinations = null!;
    private HttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var balancing = new LoadBalancingPolicy { Mode = LoadBalancingMode.ConsistentHash, HashHeader = "x-user" };
        _cluster = new ClusterState("c", new ClusterModel(
            new ClusterConfig { ClusterId = "c", LoadBalancingPolicy = ClusterLoadBalancing.PolicyName(balancing), Metadata = ClusterLoadBalancing.AddMetadata(balancing, null) },
            new HttpMessageInvoker(new SocketsHttpHandler())));
        _destinations = [.. Enumerable.Range(0, 8).Select(i => new DestinationState($"d{i}", new DestinationModel(new DestinationConfig { Address = $"http://10.0.0.{i}:8080" })))];
        _context = new DefaultHttpContext();
        _context.Request.Headers["x-user"] = "user-12345";
    }

    [Benchmark(Baseline = true)]
    public DestinationState? ConsistentHashPick() => _policy.PickDestination(_context, _cluster, _destinations);

    [Benchmark]
    public bool FaultDraws() => _fault.DrawDelay(_random) | _fault.DrawAbort(_random);
}
