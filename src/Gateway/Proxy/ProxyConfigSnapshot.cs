using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy;

/// <summary>The YARP configuration for one <see cref="Model.GatewayModel"/>.</summary>
internal sealed record ProxyConfigSnapshot(IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters);
