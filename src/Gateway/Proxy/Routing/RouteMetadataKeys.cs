namespace Gateway.Proxy.Routing;

/// <summary>
/// Keys of <c>RouteConfig.Metadata</c>. They carry identity only: what a route does reaches the hot path as its
/// <see cref="RouteRuntime"/>, never as strings.
/// </summary>
internal static class RouteMetadataKeys
{
    /// <summary>Name of the model route a YARP route was made from.</summary>
    public const string Route = "Gateway.Route";

    /// <summary>The <see cref="RouteRuntime.Revision"/> the YARP route was made with, so YARP rebuilds its endpoint when that changes.</summary>
    public const string Revision = "Gateway.Revision";
}
