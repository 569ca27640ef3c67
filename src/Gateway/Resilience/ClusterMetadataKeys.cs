namespace Gateway.Resilience;

/// <summary>
/// Keys of <c>ClusterConfig.Metadata</c> that are ours. A backend's settings travel as a <see cref="ClusterRuntime"/>,
/// never as strings.
/// </summary>
internal static class ClusterMetadataKeys
{
    /// <summary>
    /// A fingerprint of the cluster's <see cref="ClusterRuntime"/>. YARP keeps a cluster whose config is equal by value, so
    /// a change only the runtime carries must change the config for YARP to rebuild the cluster and its HTTP client.
    /// </summary>
    public const string Revision = "Gateway.Revision";
}
