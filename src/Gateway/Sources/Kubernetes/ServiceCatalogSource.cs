using System.Collections.Immutable;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Builds the <see cref="ServiceCatalog"/> from the Service and EndpointSlice caches, once per change: sources that
/// rebuild without a Service or slice change get the same catalog back.
/// </summary>
internal sealed class ServiceCatalogSource(IReadOnlyList<ResourceCache<V1Service>> services, IReadOnlyList<ResourceCache<V1EndpointSlice>> slices)
{
    private volatile Built? _last;

    public IReadOnlyList<IResourceCache> Caches { get; } = [.. services, .. slices];

    public ServiceCatalog Current()
    {
        var serviceItems = services.Select(c => c.Items).ToArray();
        var sliceItems = slices.Select(c => c.Items).ToArray();
        if (_last is { } last && Same(last.Services, serviceItems) && Same(last.Slices, sliceItems))
        {
            return last.Catalog;
        }

        var catalog = new ServiceCatalog(serviceItems, new EndpointSliceIndex(sliceItems.SelectMany(s => s.Values)));
        _last = new Built(serviceItems, sliceItems, catalog);
        return catalog;
    }

    private static bool Same<T>(ImmutableDictionary<string, T>[] a, ImmutableDictionary<string, T>[] b) =>
        a.AsSpan().SequenceEqual(b, ReferenceEqualityComparer.Instance);

    private sealed record Built(ImmutableDictionary<string, V1Service>[] Services, ImmutableDictionary<string, V1EndpointSlice>[] Slices, ServiceCatalog Catalog);
}
