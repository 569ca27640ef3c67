using Gateway.Primitives;

namespace Gateway.RateLimiting;

/// <summary>Process settings for rate limiting, under <c>Gateway:RateLimiting</c>; the policies themselves are routing configuration.</summary>
internal sealed class RateLimitingOptions
{
    /// <summary>StackExchange.Redis connection string (e.g. <c>redis:6379</c>) for policies in Global mode; one connection is shared.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// Addresses or CIDR ranges of proxies in front of the gateway (e.g. a cloud load balancer). Only when the TCP peer is
    /// one of them is <c>X-Forwarded-For</c> believed, and then the right-most address not in this list is the client.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Buckets a local policy keeps at most; beyond it new keys share one overflow bucket so memory stays bounded.</summary>
    public int MaxKeysPerPolicy { get; set; } = 1_000_000;

    /// <summary>How often full (idle) buckets are dropped. Dropping a full bucket changes no decision: a new key starts full.</summary>
    public TimeSpan EvictionInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every problem with these settings, as one line each.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        for (var i = 0; i < TrustedProxies.Count; i++)
        {
            if (!IpNetworks.TryParse(TrustedProxies[i], out _))
            {
                yield return $"{prefix}:TrustedProxies:{i} '{TrustedProxies[i]}' is not an IP address or CIDR range such as 10.0.0.0/8";
            }
        }

        if (Redis is { Length: > 0 } redis && !IsValidRedis(redis))
        {
            yield return $"{prefix}:Redis '{redis}' is not a Redis connection string such as localhost:6379";
        }

        if (MaxKeysPerPolicy < 1)
        {
            yield return $"{prefix}:MaxKeysPerPolicy {MaxKeysPerPolicy} must be at least 1";
        }

        if (EvictionInterval <= TimeSpan.Zero)
        {
            yield return $"{prefix}:EvictionInterval '{EvictionInterval}' must be greater than zero";
        }
    }

    private static bool IsValidRedis(string text)
    {
        try
        {
            return StackExchange.Redis.ConfigurationOptions.Parse(text).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
