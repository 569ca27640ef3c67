using Gateway.Resilience;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy.Translation;

/// <summary>A backend's YARP cluster and its runtime (null when all its settings are the defaults).</summary>
internal sealed record TranslatedCluster(ClusterConfig Config, ClusterRuntime? Runtime);
