using System.Collections.Immutable;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Builds the <see cref="ServiceCatalog"/> from the Service and EndpointSlice caches, once per change: sources that
/// rebuild without a Service or slice change get the same catalog back. Backends resolved through the catalog hold the
/// live endpoint sets of its <see cref="EndpointTracker"/>.
/// </summary>
internal sealed class ServiceCatalogSource
{
    private readonly IReadOnlyList<ResourceCache<V1Service>> _services;
    private readonly IReadOnlyList<ResourceCache<V1EndpointSlice>> _slices;

    // The Services, Ingress, Gateway API and Istio sources all rebuild on the same change: one builds the catalog while
    // the others wait for it, instead of each building its own on a 2-core machine.
    private readonly Lock _building = new();
    private volatile Built? _last;

    public ServiceCatalogSource(IReadOnlyList<ResourceCache<V1Service>> services, IReadOnlyList<ResourceCache<V1EndpointSlice>> slices)
    {
        _services = services;
        _slices = slices;
        Endpoints = new EndpointTracker(slices);
        Caches = [.. services, Endpoints];
        SliceCaches = [.. services, .. slices];
    }

    /// <summary>The Service caches the catalog reads, one per watch.</summary>
    public IReadOnlyList<ResourceCache<V1Service>> ServiceCaches => _services;

    /// <summary>The live endpoint sets of every Service port.</summary>
    public EndpointTracker Endpoints { get; }

    /// <summary>
    /// The caches of a source that reads Services and takes endpoints as live sets: an EndpointSlice change does not
    /// rebuild it (it reaches the proxy through the sets), a relist of the slices does.
    /// </summary>
    public IReadOnlyList<IResourceCache> Caches { get; }

    /// <summary>The caches of a source that reads the slices themselves (<see cref="ServiceCatalog.EndpointSlices"/>): every slice change rebuilds it.</summary>
    public IReadOnlyList<IResourceCache> SliceCaches { get; }

    public ServiceCatalog Current()
    {
        var serviceItems = _services.Select(c => c.Items).ToArray();
        var sliceItems = _slices.Select(c => c.Items).ToArray();
        if (Find(serviceItems, sliceItems) is { } current)
        {
            return current;
        }

        lock (_building)
        {
            if (Find(serviceItems, sliceItems) is { } built)
            {
                return built;
            }

            var index = new Lazy<EndpointSliceIndex>(() => new EndpointSliceIndex(sliceItems.SelectMany(s => s.Values)));
            var catalog = new ServiceCatalog(serviceItems, index, Endpoints);
            _last = new Built(serviceItems, sliceItems, catalog);
            return catalog;
        }
    }

    private ServiceCatalog? Find(ImmutableDictionary<string, V1Service>[] serviceItems, ImmutableDictionary<string, V1EndpointSlice>[] sliceItems) =>
        _last is { } last && Same(last.Services, serviceItems) && Same(last.Slices, sliceItems) ? last.Catalog : null;

    private static bool Same<T>(ImmutableDictionary<string, T>[] a, ImmutableDictionary<string, T>[] b) =>
        a.AsSpan().SequenceEqual(b, ReferenceEqualityComparer.Instance);

    private sealed record Built(ImmutableDictionary<string, V1Service>[] Services, ImmutableDictionary<string, V1EndpointSlice>[] Slices, ServiceCatalog Catalog);
}
