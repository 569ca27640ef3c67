namespace Gateway.RateLimiting;

/// <summary>
/// Endpoint metadata naming where a route's current limiter is. The registry swaps <see cref="Limiter"/> on every
/// configuration change, so a changed policy applies at once even when YARP keeps the route's endpoint.
/// </summary>
internal sealed class RouteRateLimitSlot
{
    private volatile RouteRateLimiter? _limiter;

    /// <summary>Null when the route has no policy.</summary>
    public RouteRateLimiter? Limiter
    {
        get => _limiter;
        set => _limiter = value;
    }
}
