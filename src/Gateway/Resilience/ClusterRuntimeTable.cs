namespace Gateway.Resilience;

/// <summary>
/// The cluster runtimes of the snapshot being applied, by cluster id. The applier publishes them just before it hands the
/// snapshot's clusters to YARP, so the client factory YARP calls within that update, and every request after it, read the
/// new settings. A cluster without an entry has <see cref="ClusterRuntime.Default"/>.
/// </summary>
internal sealed class ClusterRuntimeTable
{
    private IReadOnlyDictionary<string, ClusterRuntime> _runtimes = new Dictionary<string, ClusterRuntime>();

    /// <summary>Raised after <see cref="Publish"/>, on the applier's thread (e.g. to close what removed clusters used).</summary>
    public event Action? Published;

    /// <summary>Every published runtime.</summary>
    public IEnumerable<ClusterRuntime> Runtimes => Volatile.Read(ref _runtimes).Values;

    public void Publish(IReadOnlyDictionary<string, ClusterRuntime> runtimes)
    {
        Volatile.Write(ref _runtimes, runtimes);
        Published?.Invoke();
    }

    /// <summary>One dictionary lookup, no allocation: the hot path reads this per request.</summary>
    public ClusterRuntime Find(string clusterId) =>
        Volatile.Read(ref _runtimes).TryGetValue(clusterId, out var runtime) ? runtime : ClusterRuntime.Default;
}
