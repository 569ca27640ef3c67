using Gateway.Proxy.Routing;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy.Translation;

/// <summary>The YARP configuration for one <see cref="Model.GatewayModel"/>, and the runtime of each of its routes by route id.</summary>
internal sealed record ProxyConfigSnapshot(
    IReadOnlyList<RouteConfig> Routes,
    IReadOnlyList<ClusterConfig> Clusters,
    IReadOnlyDictionary<string, RouteRuntime> Runtimes);
