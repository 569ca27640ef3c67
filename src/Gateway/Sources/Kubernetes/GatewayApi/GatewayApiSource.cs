using Gateway.Model;
using Gateway.Sources.Kubernetes.Istio;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// The Gateway API source: GatewayClasses, Gateways, HTTPRoutes and ReferenceGrants once the gateway.networking.k8s.io
/// CRDs are served (an empty model meanwhile), and Namespaces for allowedRoutes selectors. Each build hands the
/// objects' status to the writer, which writes it on the leader replica. InferencePools (once their CRD is served) are
/// backends too: the pods their selectors name are watched while the pool exists, and a pool a route uses but the
/// gateway cannot serve as specified gets a Warning Event.
/// </summary>
internal sealed class GatewayApiSource : IKubernetesSource
{
    private readonly KubernetesOptions _options;
    private readonly ServiceCatalogSource _catalog;
    private readonly ResourceCache<GatewayClassObject> _classes;
    private readonly ResourceCache<GatewayObject>[] _gateways;
    private readonly ResourceCache<HttpRouteObject>[] _routes;
    private readonly ResourceCache<ReferenceGrantObject>[] _grants;
    private readonly ResourceCache<V1Namespace> _namespaces;
    private readonly ResourceCache<InferencePoolObject>[] _pools;
    private readonly PodWatchSet _pods;
    private readonly GatewayApiProcessor _processor;
    private readonly GatewayApiStatusWriter _writer;
    private readonly KubernetesEventRecorder _events;
    private SourceSnapshot? _published;

    public GatewayApiSource(
        KubernetesWatches watches,
        OptionalApi api,
        OptionalApi inferenceApi,
        IKubernetes client,
        KubernetesOptions options,
        IReadOnlyList<string?> namespaces,
        ServiceCatalogSource catalog,
        KubernetesLeadership leadership,
        KubernetesEventRecorder events,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _events = events;
        _options = options;
        _catalog = catalog;
        _classes = watches.Watch(api, _ => GatewayApiQueries.GatewayClasses(client));
        _gateways = [.. namespaces.Select(ns => watches.Watch(api, _ => GatewayApiQueries.Gateways(client, ns)))];
        _routes = [.. namespaces.Select(ns => watches.Watch(api, _ => GatewayApiQueries.HttpRoutes(client, ns)))];
        _grants = [.. namespaces.Select(ns => watches.Watch(api, _ => GatewayApiQueries.ReferenceGrants(client, ns)))];
        _namespaces = watches.Watch(GatewayApiQueries.Namespaces(client));
        _pools = [.. namespaces.Select(ns => watches.Watch(inferenceApi, version => InferencePoolQueries.Pools(client, version, ns)))];
        _pods = new PodWatchSet((selector, cache) => watches.Loop(IstioQueries.Pods(client, selector), cache).RunAsync);
        watches.Run(_pods.RunAsync);
        _processor = new GatewayApiProcessor(options.GatewayApi.ControllerName);
        _writer = new GatewayApiStatusWriter(client, leadership, timeProvider, logger);
        watches.Run(_writer.RunAsync);
        Caches = [_classes, .. _gateways, .. _routes, .. _grants, _namespaces, .. _pools, _pods, .. catalog.Caches];
    }

    public string Name => GatewayApiProcessor.Source;

    public int Precedence => SourcePrecedence.GatewayApi;

    public IReadOnlyList<IResourceCache> Caches { get; }

    public SourceSnapshot Build()
    {
        var pools = _pools.SelectMany(c => c.Items.Values).ToList();

        // A pool seen for the first time has no pods listed yet: keep serving the previous routes until it has.
        if (!_pods.Require(InferencePoolCatalog.SelectorsOf(pools)) && _published is not null)
        {
            return _published;
        }

        var catalog = _catalog.Current();
        var poolCatalog = new InferencePoolCatalog(pools, _pods.Pods(), catalog);
        var result = _processor.Build(
            _classes.Items.Values,
            _gateways.SelectMany(c => c.Items.Values),
            _routes.SelectMany(c => c.Items.Values),
            _grants.SelectMany(c => c.Items.Values),
            catalog,
            poolCatalog,
            ns => _namespaces.Items.GetValueOrDefault("/" + ns)?.Metadata.Labels,
            PublishedAddresses.Resolve(_options, catalog));
        _writer.Enqueue(result.Statuses);
        foreach (var (pool, problem) in poolCatalog.Problems(GatewayApiProcessor.Source))
        {
            _events.Warn(pool, "InvalidInferencePool", $"{problem.Field}: {problem.Message}");
        }

        return _published = result.Snapshot;
    }
}
