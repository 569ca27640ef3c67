using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy;

/// <summary>One YARP route of a model route, before it gets its place (<c>Order</c>) among all routes.</summary>
internal sealed class TranslatedRoute(RoutePrecedence precedence, RouteConfig route)
{
    private RouteConfig? _ordered;

    public RoutePrecedence Precedence { get; } = precedence;

    /// <summary>The route at place <paramref name="order"/>: the same object as last time when its place is unchanged.</summary>
    public RouteConfig WithOrder(int order)
    {
        if (_ordered is not { } ordered || ordered.Order != order)
        {
            _ordered = ordered = route with { Order = order };
        }

        return ordered;
    }
}
