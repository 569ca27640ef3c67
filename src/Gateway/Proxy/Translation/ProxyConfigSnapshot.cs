using Gateway.Proxy.Routing;
using Gateway.Resilience;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy.Translation;

/// <summary>
/// The YARP configuration for one <see cref="Model.GatewayModel"/>, the runtime of each of its routes by route id, and the
/// runtime of each cluster whose settings are not all the defaults, by cluster id.
/// </summary>
internal sealed record ProxyConfigSnapshot(
    IReadOnlyList<RouteConfig> Routes,
    IReadOnlyList<ClusterConfig> Clusters,
    IReadOnlyDictionary<string, RouteRuntime> Runtimes,
    IReadOnlyDictionary<string, ClusterRuntime> ClusterRuntimes);
