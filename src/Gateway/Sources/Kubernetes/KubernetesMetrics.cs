using System.Diagnostics.Metrics;
using Gateway.Model;
using Gateway.Model.Store;

namespace Gateway.Sources.Kubernetes;

/// <summary>Watch events and lists (initial syncs and resyncs) by kind: how busy the API server keeps the gateway; and leadership.</summary>
internal sealed class KubernetesMetrics(IMeterFactory meterFactory, KubernetesLeadership leadership)
{
    private readonly ObservableGauge<int> _leader = meterFactory.Create(ModelStore.MeterName)
        .CreateObservableGauge("gateway.kubernetes.leader", () => leadership.IsLeader ? 1 : 0, "{leader}", "1 on the replica that writes status and Events, 0 on the others.");

    private readonly Counter<long> _events = meterFactory.Create(ModelStore.MeterName)
        .CreateCounter<long>("gateway.kubernetes.watch.events", "{event}", "Watch events received, by kind and type.");

    private readonly Counter<long> _lists = meterFactory.Create(ModelStore.MeterName)
        .CreateCounter<long>("gateway.kubernetes.lists", "{list}", "Full lists: the first sync of a kind, then every resync (410 Gone, errors).");

    public void Event(string kind, string type) =>
        _events.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("type", type));

    public void Listed(string kind) => _lists.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
