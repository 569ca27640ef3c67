using Gateway.Proxy.Routing;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy.Translation;

/// <summary>One YARP route of a model route and its runtime, before the route gets its place (<c>Order</c>) among all routes.</summary>
internal sealed class RankedRoute(RoutePrecedence precedence, RouteConfig route, RouteRuntime runtime)
{
    // Only the last placed copy is kept: the unplaced original differs from it in Order alone.
    private RouteConfig _route = route;

    public RoutePrecedence Precedence { get; } = precedence;

    /// <summary>What the route does beyond YARP; its place does not change it.</summary>
    public RouteRuntime Runtime { get; } = runtime;

    /// <summary>The route at place <paramref name="order"/>: the same object as last time when its place is unchanged.</summary>
    public RouteConfig WithOrder(int order)
    {
        if (_route.Order != order)
        {
            _route = _route with { Order = order };
        }

        return _route;
    }
}
