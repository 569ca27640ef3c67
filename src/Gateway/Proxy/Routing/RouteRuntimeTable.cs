using System.Diagnostics.CodeAnalysis;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy.Routing;

/// <summary>
/// The route runtimes of the snapshot being applied, by route id, where YARP's endpoint building finds them.
/// <see cref="Management.ProxyConfigApplier"/> publishes a snapshot's runtimes just before it hands the snapshot's routes to YARP,
/// which builds the endpoints of new and changed routes within that update.
/// </summary>
internal sealed class RouteRuntimeTable
{
    private IReadOnlyDictionary<string, RouteRuntime> _runtimes = new Dictionary<string, RouteRuntime>();

    public void Publish(IReadOnlyDictionary<string, RouteRuntime> runtimes) => Volatile.Write(ref _runtimes, runtimes);

    /// <summary>The runtime <paramref name="route"/> was translated with: same id and same revision.</summary>
    public bool TryFind(RouteConfig route, [NotNullWhen(true)] out RouteRuntime? runtime) =>
        Volatile.Read(ref _runtimes).TryGetValue(route.RouteId, out runtime)
        && route.Metadata?.GetValueOrDefault(RouteMetadataKeys.Revision) == runtime.Revision;

    /// <summary>
    /// The runtime of <paramref name="route"/>. A route YARP builds must come from the published snapshot: a YARP route
    /// from anywhere else, or a reload that overtook another, fails that one endpoint build (YARP keeps the endpoints it
    /// had, and the pending reload builds it again) rather than serving the route with another route's policy.
    /// </summary>
    public RouteRuntime Find(RouteConfig route) =>
        TryFind(route, out var runtime)
            ? runtime
            : throw new InvalidOperationException($"Route '{route.RouteId}' has no runtime in the configuration being applied.");
}
