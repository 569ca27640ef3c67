using System.Net.Http;
using BenchmarkDotNet.Attributes;
using Gateway.Model;
using Gateway.Resilience;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.Benchmarks;

/// <summary>
/// What the resilience steps add to a request: the concurrency gate's enter and exit with its limit lookup (the path
/// guard measured here before is now <see cref="PathPolicyBenchmarks"/>). Every benchmark must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class ResilienceBenchmarks
{
    private readonly ConcurrencyGate _gate = new();
    private ClusterModel _cluster = null!;

    [GlobalSetup]
    public void Setup()
    {
        var backend = new BackendModel { Name = "gpu", Endpoints = ["http://10.0.0.1:8080"], MaxConcurrentRequests = 64 };
        _cluster = new ClusterModel(
            new ClusterConfig { ClusterId = "gpu", Metadata = ClusterResilience.Metadata(backend) },
            new HttpMessageInvoker(new SocketsHttpHandler()));
    }

    [Benchmark]
    public bool ConcurrencyEnterExit()
    {
        var entered = _gate.LimitFor(_cluster) is { } limit && _gate.TryEnter(limit);
        if (entered)
        {
            _gate.Exit();
        }

        return entered;
    }
}
