using BenchmarkDotNet.Attributes;
using Gateway.Model;
using Gateway.Resilience;

namespace Gateway.Benchmarks;

/// <summary>
/// What the resilience steps add to a request: the concurrency gate's enter and exit with the lookup of its backend's
/// limit in the published cluster runtimes, as ConcurrencyLimitMiddleware does (the path
/// guard measured here before is now <see cref="PathPolicyBenchmarks"/>). Every benchmark must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class ResilienceBenchmarks
{
    private readonly ConcurrencyGate _gate = new();
    private readonly ClusterRuntimeTable _clusters = new();

    [GlobalSetup]
    public void Setup()
    {
        var backend = new BackendModel { Name = "gpu", Endpoints = ["http://10.0.0.1:8080"], MaxConcurrentRequests = 64 };
        _clusters.Publish(new Dictionary<string, ClusterRuntime> { ["gpu"] = ClusterResilience.Runtime(backend)! });
    }

    [Benchmark]
    public bool ConcurrencyEnterExit()
    {
        var entered = _clusters.Find("gpu").MaxConcurrentRequests is { } limit && _gate.TryEnter(limit);
        if (entered)
        {
            _gate.Exit();
        }

        return entered;
    }
}
