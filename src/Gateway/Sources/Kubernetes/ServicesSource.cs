using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>The Services labelled for the gateway, with the live endpoint sets of their EndpointSlices.</summary>
internal sealed class ServicesSource(ServiceCatalogSource catalog) : IKubernetesSource
{
    private readonly ServiceProcessor _processor = new();
    private readonly ServiceChanges _changes = new(catalog.ServiceCaches);

    public string Name => ServiceProcessor.Source;

    public int Precedence => SourcePrecedence.KubernetesServices;

    public IReadOnlyList<IResourceCache> Caches => catalog.Caches;

    public SourceSnapshot Build()
    {
        // A Service change reads that Service alone. An EndpointSlice change does not come here: it changes the
        // backends' live endpoint sets in place.
        if (_changes.Take() is { } changed)
        {
            return _processor.Update(changed, Find, catalog.Endpoints);
        }

        // The catalog is the one the other sources use: built once per change, not once per source.
        return _processor.Build(catalog.Current().Services.Where(KubernetesQueries.IsExposed), catalog.Endpoints);
    }

    private V1Service? Find(string key)
    {
        foreach (var cache in catalog.ServiceCaches)
        {
            if (cache.Items.TryGetValue(key, out var service))
            {
                return KubernetesQueries.IsExposed(service) ? service : null;
            }
        }

        return null;
    }
}
