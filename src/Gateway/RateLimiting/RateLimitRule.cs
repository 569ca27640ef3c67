using Gateway.Model;
using StackExchange.Redis;

namespace Gateway.RateLimiting;

/// <summary>A validated policy turned into the numbers the stores compute with, built once per configuration.</summary>
internal sealed class RateLimitRule
{
    public RateLimitRule(RateLimitPolicy policy, long timestampFrequency)
    {
        RateLimitRate.TryParse(policy.Rate, out var rate);
        RateLimitKeySpec.TryParse(policy.Key, out var key, out _);
        Policy = policy;
        TimestampFrequency = timestampFrequency;
        Rate = rate;
        Key = key;
        Burst = policy.EffectiveBurst(rate);
        IntervalTimestamp = Math.Max(1, (long)Math.Round(rate.Period.TotalSeconds * timestampFrequency / rate.Tokens));
        Timeout = policy.Timeout ?? RateLimitPolicy.DefaultTimeout;
        ScriptArguments = [rate.Period.TotalMicroseconds / rate.Tokens, Burst, policy.Queue];
    }

    public RateLimitPolicy Policy { get; }

    /// <summary>The clock frequency the timestamps are in, to build variants of this rule (per plan).</summary>
    public long TimestampFrequency { get; }

    public string Name => Policy.Name;

    public RateLimitRate Rate { get; }

    public RateLimitKeySpec Key { get; }

    /// <summary>Bucket size: requests admitted back to back after idling.</summary>
    public int Burst { get; }

    public int Queue => Policy.Queue;

    /// <summary>Time for one token to refill, in the units of the store's <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public long IntervalTimestamp { get; }

    /// <summary>How long a request waits for Redis before the fail mode decides.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The token-budget script's arguments: refill interval in microseconds, burst, tokens to charge (0 checks).</summary>
    public RedisValue[] BudgetArguments(long tokens) => [(RedisValue)ScriptArguments[0], (RedisValue)Burst, (RedisValue)tokens];

    /// <summary>The token-bucket script's arguments: refill interval in microseconds, burst, queue.</summary>
    public RedisValue[] ScriptArguments { get; }
}
