namespace Gateway.Auth;

/// <summary>
/// Endpoint metadata naming where a route's current authentication is. The registry swaps <see cref="Auth"/> on every
/// configuration change, so new keys or policies apply at once even when YARP keeps the route's endpoint.
/// </summary>
internal sealed class RouteAuthSlot
{
    private volatile RouteAuth? _auth;

    /// <summary>Null when the route is open.</summary>
    public RouteAuth? Auth
    {
        get => _auth;
        set => _auth = value;
    }
}
