using Gateway.Model;

namespace Gateway.Sources.Kubernetes;

/// <summary>The Services labelled for the gateway, with the ready endpoints of their EndpointSlices.</summary>
internal sealed class ServicesSource(ServiceCatalogSource catalog) : IKubernetesSource
{
    private readonly ServiceProcessor _processor = new();

    public string Name => ServiceProcessor.Source;

    public int Precedence => SourcePrecedence.KubernetesServices;

    public IReadOnlyList<IResourceCache> Caches => catalog.Caches;

    public SourceSnapshot Build()
    {
        // The catalog's slice index is the one the other sources use: built once per change, not once per source.
        var current = catalog.Current();
        return _processor.Build(current.Services.Where(KubernetesQueries.IsExposed), current.EndpointSlices);
    }
}
