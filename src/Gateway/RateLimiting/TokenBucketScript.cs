using System.Security.Cryptography;
using System.Text;

namespace Gateway.RateLimiting;

/// <summary>
/// The global token bucket as one atomic Redis script, the same GCRA as <see cref="TokenBucket"/>: the key holds the
/// moment (Redis server time, microseconds) its bucket is full again and expires then, so an idle key costs nothing.
/// Using the server's clock keeps replicas with skewed clocks consistent.
/// </summary>
internal static class TokenBucketScript
{
    /// <summary>KEYS[1] bucket; ARGV: refill interval (µs), burst, queue. Returns {admitted, wait µs, until-full µs, remaining}.</summary>
    public const string Text = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local interval = tonumber(ARGV[1])
        local burst_span = tonumber(ARGV[2]) * interval
        local limit_span = burst_span + tonumber(ARGV[3]) * interval
        local full_at = tonumber(redis.call('GET', KEYS[1]))
        if full_at == nil or full_at < now then full_at = now end
        local ahead = full_at + interval - now
        if ahead > limit_span then
          return {0, math.ceil(ahead - limit_span), math.ceil(full_at - now), 0}
        end
        redis.call('SET', KEYS[1], string.format('%.0f', full_at + interval), 'PX', math.max(1, math.ceil(ahead / 1000)))
        local wait = 0
        local remaining = 0
        if ahead > burst_span then wait = ahead - burst_span else remaining = math.floor((burst_span - ahead) / interval) end
        return {1, math.ceil(wait), math.ceil(ahead), remaining}
        """;

    /// <summary>SHA1 of <see cref="Text"/>, which EVALSHA names the script by.</summary>
    public static byte[] Sha1 { get; } = SHA1.HashData(Encoding.UTF8.GetBytes(Text));
}
