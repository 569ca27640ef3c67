using Gateway.Model;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// How loaded an endpoint is, from the requests this gateway has in flight to it and its last fresh reading. The
/// reading's counts are brought up to date with the requests this gateway sent or saw finish since it was taken, so a
/// burst between two scrapes is seen at once; a stale or missing reading leaves the in-flight count alone (least
/// outstanding requests).
/// </summary>
internal static class LoadScore
{
    /// <summary>The reading, or null when there is none or it is older than the backend allows.</summary>
    public static EndpointLoad? Fresh(IReadOnlyDictionary<DestinationState, EndpointLoad> loads, DestinationState destination, LoadAwareSettings settings, TimeProvider time, long now) =>
        loads.TryGetValue(destination, out var load) && time.GetElapsedTime(load.ReadAt, now) < settings.StaleAfter ? load : null;

    /// <summary>
    /// Lower is better: the requests at the server (its own count covers other gateway replicas' requests too), plus its
    /// queue once more, since a queued request waits for its first token and a running one does not, plus KV-cache usage
    /// as a tie-breaker.
    /// </summary>
    public static double Of(DestinationState destination, EndpointLoad? load)
    {
        var inFlight = destination.ConcurrentRequestCount;
        if (load is null)
        {
            return inFlight;
        }

        var reported = load.Load;
        var atServer = double.IsNaN(reported.Running) ? inFlight : Math.Max(inFlight, reported.Running + reported.Waiting + inFlight - load.InFlightAtRead);
        var kvCache = double.IsNaN(reported.KvCacheUsage) ? 0 : reported.KvCacheUsage;
        return atServer + EstimatedWaiting(inFlight, load) + kvCache;
    }

    /// <summary>Whether the endpoint's queue or KV cache is at the backend's threshold; never without a fresh reading.</summary>
    public static bool IsSaturated(DestinationState destination, EndpointLoad? load, LoadAwareSettings settings) =>
        load is not null
        && (EstimatedWaiting(destination.ConcurrentRequestCount, load) >= settings.MaxQueueDepth || load.Load.KvCacheUsage >= settings.MaxKvCacheUsage);

    /// <summary>Whether every endpoint is saturated; false for none, so an empty backend gets its usual 503.</summary>
    public static bool AllSaturated(IReadOnlyList<DestinationState> destinations, EndpointLoadTable table, LoadAwareSettings settings, TimeProvider time)
    {
        var count = destinations.Count;
        if (count == 0)
        {
            return false;
        }

        var loads = table.Current;
        var now = time.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var destination = destinations[i];
            if (!IsSaturated(destination, Fresh(loads, destination, settings, time, now), settings))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>How many of <paramref name="destinations"/> are not saturated.</summary>
    public static int CountUnsaturated(IReadOnlyList<DestinationState> destinations, EndpointLoadTable table, LoadAwareSettings settings, TimeProvider time)
    {
        var loads = table.Current;
        var now = time.GetTimestamp();
        var unsaturated = 0;
        for (var i = 0; i < destinations.Count; i++)
        {
            var destination = destinations[i];
            if (!IsSaturated(destination, Fresh(loads, destination, settings, time, now), settings))
            {
                unsaturated++;
            }
        }

        return unsaturated;
    }

    /// <summary>
    /// The server's queue now: the reported one plus the requests sent since, less those finished. A server that had no
    /// queue may have had free places in its batch too, which the reading does not tell, so it is taken to have none
    /// until a reading shows one.
    /// </summary>
    private static double EstimatedWaiting(int inFlight, EndpointLoad load) =>
        load.Load.Waiting > 0 ? Math.Max(0, load.Load.Waiting + inFlight - load.InFlightAtRead) : 0;
}
