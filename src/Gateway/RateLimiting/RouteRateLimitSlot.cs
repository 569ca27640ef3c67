namespace Gateway.RateLimiting;

/// <summary>
/// Endpoint metadata naming where a route's current limiter is. The registry swaps <see cref="Limiter"/> on every
/// configuration change, so a changed policy applies at once even when YARP keeps the route's endpoint.
/// </summary>
internal sealed class RouteRateLimitSlot
{
    private volatile RouteRateLimiter? _limiter;
    private volatile RouteRateLimiter? _tokenLimiter;

    /// <summary>Null when the route has no policy.</summary>
    public RouteRateLimiter? Limiter
    {
        get => _limiter;
        set => _limiter = value;
    }

    /// <summary>The route's token budget; null when it has none.</summary>
    public RouteRateLimiter? TokenLimiter
    {
        get => _tokenLimiter;
        set => _tokenLimiter = value;
    }
}
