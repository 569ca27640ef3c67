using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.RateLimiting;

/// <summary>
/// A global policy's buckets in Redis: one EVALSHA round trip per request. When Redis lost the script (it restarted),
/// the script is sent again once. When Redis does not answer within the policy's timeout the decision is
/// <see cref="RateLimitOutcome.StoreUnavailable"/>, logged at most once per <see cref="LogInterval"/>; after a few such
/// failures in a row the <see cref="RedisCircuitBreaker"/> makes it at once, without asking Redis, until Redis answers.
/// </summary>
internal sealed partial class RedisRateLimitStore(
    RedisConnection connection, RedisCircuitBreaker breaker, TimeProvider timeProvider, ILogger<RedisRateLimitStore> logger) : IRateLimitStore
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private long _lastLog = long.MinValue;
    private long _failuresSinceLog;

    public ValueTask<RateLimitDecision> AcquireAsync(BucketKey key, RateLimitRule rule) =>
        EvaluateAsync(key, rule, TokenBucketScript.Sha1, TokenBucketScript.Text, rule.ScriptArguments);

    public ValueTask<RateLimitDecision> CheckAsync(BucketKey key, RateLimitRule rule) =>
        EvaluateAsync(key, rule, TokenBudgetScript.Sha1, TokenBudgetScript.Text, rule.BudgetArguments(0));

    public async ValueTask<bool> ChargeAsync(BucketKey key, RateLimitRule rule, long tokens) =>
        (await EvaluateAsync(key, rule, TokenBudgetScript.Sha1, TokenBudgetScript.Text, rule.BudgetArguments(tokens))).Outcome != RateLimitOutcome.StoreUnavailable;

    private async ValueTask<RateLimitDecision> EvaluateAsync(BucketKey key, RateLimitRule rule, byte[] sha1, string text, RedisValue[] arguments)
    {
        if (connection.Database is not { } database)
        {
            return Failed(rule, "not connected");
        }

        if (!breaker.TryPass())
        {
            return RateLimitDecision.Unavailable;
        }

        RedisKey[] keys = [key.Format(rule.Name)];
        try
        {
            RedisResult result;
            try
            {
                result = await database.ScriptEvaluateAsync(sha1, keys, arguments)
                    .WaitAsync(rule.Timeout, timeProvider);
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
            {
                // EVAL caches the script again, so the next request's EVALSHA finds it.
                result = await database.ScriptEvaluateAsync(text, keys, arguments)
                    .WaitAsync(rule.Timeout, timeProvider);
            }

            breaker.Succeeded();
            var values = (long[])result!;
            return new RateLimitDecision(
                values[0] == 1 ? RateLimitOutcome.Admitted : RateLimitOutcome.Rejected,
                (int)values[3],
                TimeSpan.FromMicroseconds(values[1]),
                TimeSpan.FromMicroseconds(values[2]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            breaker.Failed(ex.Message);
            return Failed(rule, ex.Message);
        }
    }

    private RateLimitDecision Failed(RateLimitRule rule, string reason)
    {
        var failures = Interlocked.Increment(ref _failuresSinceLog);
        var now = timeProvider.GetTimestamp();
        var last = Volatile.Read(ref _lastLog);
        if ((last == long.MinValue || timeProvider.GetElapsedTime(last, now) >= LogInterval)
            && Interlocked.CompareExchange(ref _lastLog, now, last) == last)
        {
            Interlocked.Add(ref _failuresSinceLog, -failures);
            LogStoreUnavailable(logger, rule.Name, rule.Policy.FailMode.ToString(), failures, reason);
        }

        return RateLimitDecision.Unavailable;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate-limit policy '{Policy}': Redis did not answer ({Reason}); fail mode {FailMode} applied to {Count} request(s) since the last report")]
    private static partial void LogStoreUnavailable(ILogger logger, string policy, string failMode, long count, string reason);
}
