using System.Runtime.CompilerServices;

namespace Gateway.RateLimiting;

/// <summary>
/// A global policy with <c>FailMode: Local</c>: Redis decides while it answers; when it cannot (an outage, or the
/// <see cref="RedisCircuitBreaker"/> is open), a bucket of the same policy in this process does, so each replica still
/// enforces the policy's rate on its own share of the traffic.
/// </summary>
internal sealed class LocalFallbackStore(IRateLimitStore global, LocalRateLimitStore local) : IRateLimitStore
{
    public ValueTask<RateLimitDecision> AcquireAsync(BucketKey key, RateLimitRule rule)
    {
        var pending = global.AcquireAsync(key, rule);
        return pending.IsCompletedSuccessfully
            ? new ValueTask<RateLimitDecision>(Decide(pending.Result, key, rule))
            : AwaitAsync(pending, key, rule);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RateLimitDecision> AwaitAsync(ValueTask<RateLimitDecision> pending, BucketKey key, RateLimitRule rule) =>
        Decide(await pending, key, rule);

    public ValueTask<RateLimitDecision> CheckAsync(BucketKey key, RateLimitRule rule)
    {
        var pending = global.CheckAsync(key, rule);
        return pending.IsCompletedSuccessfully
            ? new ValueTask<RateLimitDecision>(CheckDecide(pending.Result, key, rule))
            : AwaitCheckAsync(pending, key, rule);
    }

    /// <summary>Charges Redis, or this process's budget when Redis cannot answer (where this process also admitted).</summary>
    public async ValueTask<bool> ChargeAsync(BucketKey key, RateLimitRule rule, long tokens)
    {
        if (!await global.ChargeAsync(key, rule, tokens))
        {
            local.Charge(key, rule, tokens);
        }

        return true;
    }

    private async ValueTask<RateLimitDecision> AwaitCheckAsync(ValueTask<RateLimitDecision> pending, BucketKey key, RateLimitRule rule) =>
        CheckDecide(await pending, key, rule);

    private RateLimitDecision CheckDecide(RateLimitDecision decision, BucketKey key, RateLimitRule rule) =>
        decision.Outcome == RateLimitOutcome.StoreUnavailable ? local.Check(key, rule) : decision;

    private RateLimitDecision Decide(RateLimitDecision decision, BucketKey key, RateLimitRule rule) =>
        decision.Outcome == RateLimitOutcome.StoreUnavailable ? local.Acquire(key, rule) : decision;
}
