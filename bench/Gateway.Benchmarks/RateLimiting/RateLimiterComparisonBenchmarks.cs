using System.Net;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Gateway.Model;
using Gateway.Primitives;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Gateway.Benchmarks;

/// <summary>
/// The gateway's token bucket beside the shared framework's <see cref="PartitionedRateLimiter"/> with a
/// <see cref="TokenBucketRateLimiter"/> per client address (what ASP.NET Core's rate-limiting middleware runs), in the
/// same run: key a request by its client address, then take a token from that client's existing bucket.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RateLimiterComparisonBenchmarks
{
    private LocalRateLimitStore _store = null!;
    private RouteRateLimiter _gateway = null!;
    private PartitionedRateLimiter<HttpContext> _framework = null!;
    private DefaultHttpContext _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Rates that never refuse, so both take the admitting path.
        _store = new LocalRateLimitStore(TimeProvider.System, 1_000_000, TimeSpan.FromSeconds(10));
        var rule = new RateLimitRule(new RateLimitPolicy { Name = "p", Rate = "1000000/s", Burst = 1_000_000, Key = "ip" }, TimeProvider.System.TimestampFrequency);
        _gateway = new RouteRateLimiter("r", rule, _store, new ClientIpResolver([]));
        _framework = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetTokenBucketLimiter(
            context.Connection.RemoteIpAddress!.ToString(),
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = 1_000_000,
                TokensPerPeriod = 1_000_000,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                AutoReplenishment = true,
                QueueLimit = 0,
            }));

        _request = new DefaultHttpContext();
        _request.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _framework.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool GatewayBucket() => _store.Acquire(_gateway.KeyFor(_request), _gateway.Rule).Outcome == RateLimitOutcome.Admitted;

    [Benchmark]
    public bool PartitionedTokenBucketRateLimiter()
    {
        using var lease = _framework.AttemptAcquire(_request);
        return lease.IsAcquired;
    }
}
