using Gateway.Auth;
using Gateway.Paths;

namespace Gateway.Proxy.Routing;

/// <summary>
/// Request feature: the auth of a protected route the request matches when case is ignored, which
/// <see cref="Middleware.PathPolicyMiddleware"/> holds the request to before the matched route's own auth.
/// </summary>
internal sealed class CaseVariantAuth(RouteAuth auth)
{
    public RouteAuth Auth { get; } = auth;
}
