using System.Net;
using BenchmarkDotNet.Attributes;
using Gateway.Model;
using Gateway.Primitives;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Gateway.Benchmarks;

/// <summary>The per-request cost of a local limit: key a request, take a token from an existing bucket.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RateLimitHotPathBenchmarks
{
    private LocalRateLimitStore _store = null!;
    private RouteRateLimiter _byIp = null!;
    private RouteRateLimiter _byIpAndHeader = null!;
    private DefaultHttpContext _direct = null!;
    private DefaultHttpContext _proxied = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = new LocalRateLimitStore(TimeProvider.System, 1_000_000, TimeSpan.FromSeconds(10));
        var clientIp = new ClientIpResolver(["10.0.0.0/8"]);
        // A rate that never refuses, so every call takes the admitting path the benchmark is about.
        RateLimitRule Rule(string key) => new(new RateLimitPolicy { Name = "p", Rate = "1000000/s", Burst = 1_000_000, Key = key }, TimeProvider.System.TimestampFrequency);
        _byIp = new RouteRateLimiter("r", Rule("ip"), _store, clientIp);
        _byIpAndHeader = new RouteRateLimiter("r", Rule("ip+header:X-Api-Key"), _store, clientIp);

        _direct = new DefaultHttpContext();
        _direct.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        _direct.Request.Headers["X-Api-Key"] = "key-123";

        _proxied = new DefaultHttpContext();
        _proxied.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.2");
        _proxied.Request.Headers["X-Forwarded-For"] = "198.51.100.4, 10.0.0.9";
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true)]
    public bool ByIp() => _store.Acquire(_byIp.KeyFor(_direct), _byIp.Rule).Outcome == RateLimitOutcome.Admitted;

    [Benchmark]
    public bool ByIpAndHeader() => _store.Acquire(_byIpAndHeader.KeyFor(_direct), _byIpAndHeader.Rule).Outcome == RateLimitOutcome.Admitted;

    [Benchmark]
    public bool ByForwardedForBehindTrustedProxy() => _store.Acquire(_byIp.KeyFor(_proxied), _byIp.Rule).Outcome == RateLimitOutcome.Admitted;

    [Benchmark]
    public string StateHeader() => _byIp.StateHeader(new RateLimitDecision(RateLimitOutcome.Admitted, 12, TimeSpan.Zero, TimeSpan.FromSeconds(3)));
}
