using Gateway.Model;
using k8s;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// The Istio source: VirtualServices and DestinationRules per watched namespace (once the networking.istio.io CRDs are
/// served; an empty model meanwhile), the pods of the subsets in use, and the shared Service catalog.
/// </summary>
internal sealed class IstioSource : IKubernetesSource
{
    private readonly ResourceCache<IstioObject>[] _virtualServices;
    private readonly ResourceCache<IstioObject>[] _destinationRules;
    private readonly PodWatchSet _pods;
    private readonly ServiceCatalogSource _catalog;
    private readonly IstioProcessor _processor;
    private SourceSnapshot? _published;

    public IstioSource(
        KubernetesWatches watches,
        OptionalApi api,
        IKubernetes client,
        IstioOptions options,
        IReadOnlyList<string?> namespaces,
        ServiceCatalogSource catalog,
        KubernetesEventRecorder events,
        ILoggerFactory loggerFactory)
    {
        _virtualServices = [.. namespaces.Select(ns => watches.Watch(api, version => IstioQueries.Objects(client, IstioKind.VirtualService, version, ns)))];
        _destinationRules = [.. namespaces.Select(ns => watches.Watch(api, version => IstioQueries.Objects(client, IstioKind.DestinationRule, version, ns)))];
        _pods = new PodWatchSet((selector, cache) => watches.Loop(IstioQueries.Pods(client, selector), cache).RunAsync);
        watches.Run(_pods.RunAsync);
        _catalog = catalog;
        _processor = new IstioProcessor(options, loggerFactory.CreateLogger<IstioProcessor>(), events.Warn);
        Caches = [.. _virtualServices, .. _destinationRules, _pods, .. catalog.SliceCaches];
    }

    public string Name => IstioProcessor.Source;

    public int Precedence => SourcePrecedence.Istio;

    public IReadOnlyList<IResourceCache> Caches { get; }

    public SourceSnapshot Build()
    {
        var snapshot = _processor.Build(
            _virtualServices.SelectMany(c => c.Items.Values),
            _destinationRules.SelectMany(c => c.Items.Values),
            _pods.Pods(),
            _catalog.Current());

        // A subset used for the first time has no pods listed yet: keep serving the previous routes until it has.
        return _pods.Require(_processor.Selectors) || _published is null ? _published = snapshot : _published;
    }
}
