namespace Gateway.RateLimiting;

/// <summary>
/// Identifies one bucket of a policy without building a string: the client address (IPv4 mapped into IPv6), the
/// header value, the route name and the caller's identity, each unset when the policy's key does not use it.
/// </summary>
internal readonly record struct BucketKey(UInt128 Address, string? Header, string? Route, string? Identity = null)
{
    /// <summary>The key as text, for Redis.</summary>
    /// <remarks>A policy's key always has an identity or never, so the longer form cannot collide with the other.</remarks>
    public string Format(string policy) => Identity is null
        ? $"mlgw:rl:{policy.Length}:{policy}:{Address:x}:{Header?.Length ?? -1}:{Header}:{Route}"
        : $"mlgw:rl:{policy.Length}:{policy}:{Address:x}:{Header?.Length ?? -1}:{Header}:{Route?.Length ?? -1}:{Route}:{Identity}";
}
