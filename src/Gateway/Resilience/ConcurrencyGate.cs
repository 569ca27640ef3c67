using Yarp.ReverseProxy.Model;

namespace Gateway.Resilience;

/// <summary>
/// Counts requests in flight to one backend across reloads. The limit is re-read only when YARP swaps the cluster's
/// model, so a request pays one reference comparison and one interlocked increment.
/// </summary>
internal sealed class ConcurrencyGate
{
    private int _inFlight;
    private LimitSnapshot _limit = new(null, null);

    public int? LimitFor(ClusterModel cluster)
    {
        var snapshot = Volatile.Read(ref _limit);
        if (!ReferenceEquals(snapshot.Cluster, cluster))
        {
            // Racing requests may both re-read; they compute the same value.
            snapshot = new LimitSnapshot(cluster, ClusterResilience.ReadInt(cluster.Config.Metadata, ClusterMetadataKeys.MaxConcurrentRequests));
            Volatile.Write(ref _limit, snapshot);
        }

        return snapshot.Limit;
    }

    public bool TryEnter(int limit)
    {
        if (Interlocked.Increment(ref _inFlight) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    private sealed record LimitSnapshot(ClusterModel? Cluster, int? Limit);
}
