namespace Gateway.RateLimiting;

/// <summary>
/// Identifies one bucket of a policy without building a string: the client address (IPv4 mapped into IPv6), the
/// header value and the route name, each unset when the policy's key does not use it.
/// </summary>
internal readonly record struct BucketKey(UInt128 Address, string? Header, string? Route)
{
    /// <summary>The key as text, for Redis.</summary>
    public string Format(string policy) =>
        $"mlgw:rl:{policy.Length}:{policy}:{Address:x}:{Header?.Length ?? -1}:{Header}:{Route}";
}
