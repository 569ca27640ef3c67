using Gateway.Model;

namespace Gateway.Sources.Kubernetes;

/// <summary>The Services labelled for the gateway, with the live endpoint sets of their EndpointSlices.</summary>
internal sealed class ServicesSource(ServiceCatalogSource catalog) : IKubernetesSource
{
    private readonly ServiceProcessor _processor = new();

    public string Name => ServiceProcessor.Source;

    public int Precedence => SourcePrecedence.KubernetesServices;

    public IReadOnlyList<IResourceCache> Caches => catalog.Caches;

    public SourceSnapshot Build()
    {
        // The catalog is the one the other sources use: built once per change, not once per source. An EndpointSlice
        // change does not come here: it changes the backends' live endpoint sets in place.
        return _processor.Build(catalog.Current().Services.Where(KubernetesQueries.IsExposed), catalog.Endpoints);
    }
}
