using Gateway.Model;
using Gateway.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.RateLimiting;

public sealed class TokenBudgetFallbackTests : IDisposable
{
    private static readonly BucketKey Caller = new(1, null, null, "key:a");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LocalRateLimitStore _local;

    public TokenBudgetFallbackTests()
    {
        _local = new LocalRateLimitStore(_time, maxKeys: 100, evictionInterval: TimeSpan.FromHours(1));
    }

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task A_budget_that_fails_to_local_checks_and_charges_this_process_while_redis_cannot_answer()
    {
        var rule = new RateLimitRule(new RateLimitPolicy { Name = "tokens", Rate = "100/h", Unit = RateLimitUnit.Tokens, Mode = RateLimitMode.Global, FailMode = RateLimitFailMode.Local }, _time.TimestampFrequency);
        var store = new LocalFallbackStore(new UnavailableStore(), _local);

        Assert.Equal(RateLimitOutcome.Admitted, (await store.CheckAsync(Caller, rule)).Outcome);
        Assert.True(await store.ChargeAsync(Caller, rule, 150));

        var refused = await store.CheckAsync(Caller, rule);
        Assert.Equal(RateLimitOutcome.Rejected, refused.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(51 * 0.6), refused.Wait); // 50 tokens of debt plus one, at 36 s a token
    }

    /// <summary>Redis that never answers in time.</summary>
    private sealed class UnavailableStore : IRateLimitStore
    {
        public ValueTask<RateLimitDecision> AcquireAsync(BucketKey key, RateLimitRule rule) => new(RateLimitDecision.Unavailable);

        public ValueTask<RateLimitDecision> CheckAsync(BucketKey key, RateLimitRule rule) => new(RateLimitDecision.Unavailable);

        public ValueTask<bool> ChargeAsync(BucketKey key, RateLimitRule rule, long tokens) => new(false);
    }
}
