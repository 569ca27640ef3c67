using Gateway.Model;
using Gateway.Observability;
using Gateway.Resilience;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// Reads what the load-aware mode already keeps (YARP's in-flight counts, the scraper's last readings, the gateway
/// queues) into reports for the admin <c>/routes</c> page. It runs only when the page is asked for; the request path
/// does nothing for it.
/// </summary>
internal sealed class LoadReporter(IProxyStateLookup proxyState, ClusterRuntimeTable clusters, EndpointLoadTable loads, AdmissionQueueTable queues, TimeProvider time)
{
    /// <summary>Every load-aware backend by name, its endpoints by address.</summary>
    public IReadOnlyList<BackendLoadReport> Read()
    {
        var readings = loads.Current;
        var now = time.GetTimestamp();
        var reports = new List<BackendLoadReport>();
        foreach (var cluster in proxyState.GetClusters())
        {
            if (clusters.Find(cluster.ClusterId).LoadAware is not { } settings)
            {
                continue;
            }

            var endpoints = new List<EndpointLoadReport>();
            foreach (var destination in cluster.Destinations.Values)
            {
                endpoints.Add(Report(destination, readings, settings, now));
            }

            endpoints.Sort(static (a, b) => string.CompareOrdinal(a.Address, b.Address));
            reports.Add(new BackendLoadReport(cluster.ClusterId, settings.StaleAfter, queues.Count(cluster.ClusterId), endpoints));
        }

        reports.Sort(static (a, b) => string.CompareOrdinal(a.Backend, b.Backend));
        return reports;
    }

    private EndpointLoadReport Report(DestinationState destination, IReadOnlyDictionary<DestinationState, EndpointLoad> readings, LoadAwareSettings settings, long now)
    {
        var address = destination.Model.Config.Address;
        var inFlight = destination.ConcurrentRequestCount;
        if (!readings.TryGetValue(destination, out var reading))
        {
            return new EndpointLoadReport(address, inFlight, double.NaN, double.NaN, double.NaN, null, Stale: true);
        }

        // The picker's own rule decides staleness, so the page never disagrees with what picking does.
        var stale = LoadScore.Fresh(readings, destination, settings, time, now) is null;
        var load = reading.Load;
        return new EndpointLoadReport(address, inFlight, load.Waiting, load.Running, load.KvCacheUsage, time.GetElapsedTime(reading.ReadAt, now), stale);
    }
}
