using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Model.Store;
using Gateway.Resilience;
using Yarp.ReverseProxy;

namespace Gateway.LoadBalancing;

/// <summary>
/// Per-endpoint load of the load-aware backends (requests in flight from this gateway, and the queue, batch and KV cache
/// each server last reported), the gateway queue, and the requests held or refused there. Labels are backend names from
/// config and endpoint addresses, never request data; the gauges are computed when metrics are read, off the hot path.
/// </summary>
internal sealed class LoadBalancingMetrics
{
    private readonly Counter<long> _queued;
    private readonly Counter<long> _shed;
    private readonly IProxyStateLookup _proxyState;
    private readonly ClusterRuntimeTable _clusters;
    private readonly EndpointLoadTable _loads;
    private readonly AdmissionQueueTable _queues;

    public LoadBalancingMetrics(IMeterFactory meterFactory, IProxyStateLookup proxyState, ClusterRuntimeTable clusters, EndpointLoadTable loads, AdmissionQueueTable queues)
    {
        _proxyState = proxyState;
        _clusters = clusters;
        _loads = loads;
        _queues = queues;
        var meter = meterFactory.Create(ModelStore.MeterName);
        _queued = meter.CreateCounter<long>("gateway.inference.queued", "{request}", "Requests that waited at the gateway because every endpoint of a load-aware backend was saturated, by backend and criticality.");
        _shed = meter.CreateCounter<long>("gateway.inference.shed", "{request}", "Requests of a saturated load-aware backend refused or given up, by backend, criticality and reason.");
        meter.CreateObservableGauge("gateway.endpoint.in_flight", () => Observe(static (d, _) => d.ConcurrentRequestCount), "{request}", "Requests this gateway has in flight to each endpoint of a load-aware backend.");
        meter.CreateObservableGauge("gateway.endpoint.queue_depth", () => Observe(static (_, l) => l?.Load.Waiting), "{request}", "Requests waiting in each model server's own queue, as it last reported.");
        meter.CreateObservableGauge("gateway.endpoint.running", () => Observe(static (_, l) => l?.Load.Running), "{request}", "Requests in each model server's running batch, as it last reported.");
        meter.CreateObservableGauge("gateway.endpoint.kv_cache_usage", () => Observe(static (_, l) => l?.Load.KvCacheUsage), "1", "KV-cache usage (0 to 1) of each model server, as it last reported.");
        meter.CreateObservableGauge("gateway.inference.queue_depth", ObserveQueues, "{request}", "Requests waiting at the gateway, by load-aware backend.");
    }

    public void Queued(string backend, Criticality criticality) =>
        _queued.Add(1, new TagList { { "backend", backend }, { "criticality", criticality.ToString() } });

    public void Shed(string backend, Criticality criticality, string reason) =>
        _shed.Add(1, new TagList { { "backend", backend }, { "criticality", criticality.ToString() }, { "reason", reason } });

    private List<Measurement<double>> Observe(Func<Yarp.ReverseProxy.Model.DestinationState, EndpointLoad?, double?> value)
    {
        var measurements = new List<Measurement<double>>();
        var loads = _loads.Current;
        foreach (var cluster in _proxyState.GetClusters())
        {
            if (_clusters.Find(cluster.ClusterId).LoadAware is null)
            {
                continue;
            }

            foreach (var destination in cluster.Destinations.Values)
            {
                if (value(destination, loads.GetValueOrDefault(destination)) is { } v && !double.IsNaN(v))
                {
                    measurements.Add(new Measurement<double>(v, new TagList { { "backend", cluster.ClusterId }, { "endpoint", destination.Model.Config.Address } }));
                }
            }
        }

        return measurements;
    }

    private List<Measurement<int>> ObserveQueues()
    {
        var measurements = new List<Measurement<int>>();
        foreach (var cluster in _proxyState.GetClusters())
        {
            if (_clusters.Find(cluster.ClusterId).LoadAware is not null)
            {
                measurements.Add(new Measurement<int>(_queues.Count(cluster.ClusterId), new KeyValuePair<string, object?>("backend", cluster.ClusterId)));
            }
        }

        return measurements;
    }
}
