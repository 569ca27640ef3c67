using System.Collections.Immutable;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Builds the <see cref="ServiceCatalog"/> from the Service and EndpointSlice caches, once per change: sources that
/// rebuild without a Service or slice change get the same catalog back.
/// </summary>
internal sealed class ServiceCatalogSource(IReadOnlyList<ResourceCache<V1Service>> services, IReadOnlyList<ResourceCache<V1EndpointSlice>> slices)
{
    // The Services, Ingress, Gateway API and Istio sources all rebuild on the same change: one builds the catalog while
    // the others wait for it, instead of each building its own on a 2-core machine.
    private readonly Lock _building = new();
    private volatile Built? _last;

    public IReadOnlyList<IResourceCache> Caches { get; } = [.. services, .. slices];

    public ServiceCatalog Current()
    {
        var serviceItems = services.Select(c => c.Items).ToArray();
        var sliceItems = slices.Select(c => c.Items).ToArray();
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

            var catalog = new ServiceCatalog(serviceItems, new EndpointSliceIndex(sliceItems.SelectMany(s => s.Values)));
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
