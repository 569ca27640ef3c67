using System.Collections.Immutable;
using Gateway.Resilience;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy.Translation;

/// <summary>A backend's YARP cluster and its runtime (null when all its settings are the defaults).</summary>
internal sealed record TranslatedCluster(ClusterConfig Config, ClusterRuntime? Runtime)
{
    /// <summary>The endpoint addresses the destinations were made from: a live set that changed since needs a new cluster.</summary>
    public ImmutableArray<string> Endpoints { get; init; } = [];
}
