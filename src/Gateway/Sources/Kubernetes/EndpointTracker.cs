using System.Runtime.InteropServices;
using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// The live endpoint sets of Service ports, kept current from EndpointSlice events: a slice's change recomputes the
/// sets of its own Service, replaces their contents in place and raises their <see cref="EndpointSet.Changed"/>, so an
/// endpoint-only change reaches the proxy without rebuilding any source (docs/architecture.md). To the publishers it is a
/// cache that has listed once every slice watch has, and that changes only when a watch lists again: a single slice
/// never rebuilds a source.
/// </summary>
internal sealed class EndpointTracker : IResourceCache, IServiceEndpoints
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Namespace, string Service), ServiceEndpoints> _services = [];
    private readonly IReadOnlyList<ResourceCache<V1EndpointSlice>> _caches;

    public EndpointTracker(IReadOnlyList<ResourceCache<V1EndpointSlice>> caches)
    {
        _caches = caches;
        foreach (var cache in caches)
        {
            cache.ItemChanged += OnSliceChanged;
            cache.Listed += OnListed;
        }
    }

    public event Action? Changed;

    public bool IsSynced
    {
        get
        {
            foreach (var cache in _caches)
            {
                if (!cache.IsSynced)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public EndpointSet EndpointsOf(string ns, string service, string? portName)
    {
        lock (_lock)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_services, (ns, service), out _);
            entry ??= new ServiceEndpoints();
            return entry.SetFor(portName);
        }
    }

    private void OnSliceChanged(V1EndpointSlice? previous, V1EndpointSlice? current)
    {
        List<EndpointSet> changed = [];
        lock (_lock)
        {
            if (previous is not null && ServiceOf(previous) is { } before && _services.TryGetValue(before, out var old))
            {
                old.Remove(previous.Metadata.Name);
                if (current is null || ServiceOf(current) != before)
                {
                    old.Recompute(changed);
                    Forget(before, old);
                }
            }

            if (current is not null && ServiceOf(current) is { } after)
            {
                ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_services, after, out _);
                entry ??= new ServiceEndpoints();
                entry.Upsert(current);
                entry.Recompute(changed);
            }
        }

        Notify(changed);
    }

    /// <summary>A watch listed again (at start, or after its resourceVersion expired): every Service's slices are read anew.</summary>
    private void OnListed()
    {
        List<EndpointSet> changed = [];
        lock (_lock)
        {
            var slices = new Dictionary<(string Namespace, string Service), List<V1EndpointSlice>>();
            foreach (var cache in _caches)
            {
                foreach (var slice in cache.Items.Values)
                {
                    if (ServiceOf(slice) is { } service)
                    {
                        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(slices, service, out _);
                        (list ??= []).Add(slice);
                    }
                }
            }

            foreach (var service in slices.Keys)
            {
                ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_services, service, out _);
                entry ??= new ServiceEndpoints();
            }

            foreach (var (service, entry) in _services)
            {
                entry.ReplaceAll(slices.TryGetValue(service, out var list) ? list : []);
                entry.Recompute(changed);
                Forget(service, entry);
            }
        }

        Notify(changed);
        Changed?.Invoke();
    }

    private void Forget((string Namespace, string Service) service, ServiceEndpoints entry)
    {
        if (entry.IsUnused)
        {
            _services.Remove(service);
        }
    }

    private static (string Namespace, string Service)? ServiceOf(V1EndpointSlice slice) =>
        slice.Metadata.Labels is { } labels && labels.TryGetValue(EndpointSliceIndex.ServiceNameLabel, out var service)
            ? (slice.Metadata.NamespaceProperty, service)
            : null;

    private static void Notify(List<EndpointSet> changed)
    {
        foreach (var set in changed)
        {
            set.NotifyChanged();
        }
    }
}
