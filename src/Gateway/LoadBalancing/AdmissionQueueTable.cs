using System.Collections.Concurrent;
using Gateway.Model;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>The gateway queue of every load-aware backend, by cluster id, and the rule that lets their requests in.</summary>
internal sealed class AdmissionQueueTable(EndpointLoadTable loads, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, AdmissionQueue> _queues = new(StringComparer.Ordinal);

    public AdmissionQueue Get(string clusterId) => _queues.GetOrAdd(clusterId, static (_, time) => new AdmissionQueue(time), time);

    /// <summary>Requests waiting for <paramref name="clusterId"/>; 0 when it never queued.</summary>
    public int Count(string clusterId) => _queues.TryGetValue(clusterId, out var queue) ? queue.Count : 0;

    /// <summary>
    /// Lets waiting requests in: at most <paramref name="releases"/>, and at most one per endpoint that is not saturated
    /// (a request let in reaches its endpoint only a moment later, so the readings cannot count it yet). A finished request
    /// frees room for one; a new reading may free room on every endpoint.
    /// </summary>
    public void Pump(ClusterState cluster, LoadAwareSettings settings, int releases)
    {
        if (!_queues.TryGetValue(cluster.ClusterId, out var queue) || queue.Count == 0)
        {
            return;
        }

        var room = Math.Min(releases, LoadScore.CountUnsaturated(cluster.DestinationsState.AvailableDestinations, loads, settings, time));
        for (var i = 0; i < room; i++)
        {
            if (!queue.ReleaseNext())
            {
                return;
            }
        }
    }
}
