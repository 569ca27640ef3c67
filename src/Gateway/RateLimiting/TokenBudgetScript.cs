using System.Security.Cryptography;
using System.Text;

namespace Gateway.RateLimiting;

/// <summary>
/// A global token budget as one atomic Redis script, the same arithmetic as <see cref="TokenBucket.TryCheck"/> and
/// <see cref="TokenBucket.TryCharge"/> on the key <see cref="TokenBucketScript"/> would use: the moment (Redis server
/// time, microseconds) the budget is full again, expiring then.
/// </summary>
internal static class TokenBudgetScript
{
    /// <summary>
    /// KEYS[1] bucket; ARGV: refill interval (µs), burst, tokens to charge (0 only checks). Returns {admitted, wait µs,
    /// until-full µs, remaining}; a charge returns {1, 0, until-full µs, remaining}.
    /// </summary>
    public const string Text = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local interval = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local charge = tonumber(ARGV[3])
        local full_at = tonumber(redis.call('GET', KEYS[1]))
        if full_at == nil or full_at < now then full_at = now end
        if charge > 0 then
          full_at = full_at + charge * interval
          redis.call('SET', KEYS[1], string.format('%.0f', full_at), 'PX', math.max(1, math.ceil((full_at - now) / 1000)))
        end
        local ahead = full_at - now
        local positive_span = (burst - 1) * interval
        if charge == 0 and ahead > positive_span then
          return {0, math.ceil(ahead - positive_span), math.ceil(ahead), 0}
        end
        return {1, 0, math.ceil(ahead), math.max(0, math.floor((burst * interval - ahead) / interval))}
        """;

    /// <summary>SHA1 of <see cref="Text"/>, which EVALSHA names the script by.</summary>
    public static byte[] Sha1 { get; } = SHA1.HashData(Encoding.UTF8.GetBytes(Text));
}
