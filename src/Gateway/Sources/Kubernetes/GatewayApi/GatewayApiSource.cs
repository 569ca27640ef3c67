using Gateway.Model;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// The Gateway API source: GatewayClasses, Gateways, HTTPRoutes and ReferenceGrants once the gateway.networking.k8s.io
/// CRDs are served (an empty model meanwhile), and Namespaces for allowedRoutes selectors. Each build hands the
/// objects' status to the writer, which writes it on the leader replica.
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
    private readonly GatewayApiProcessor _processor;
    private readonly GatewayApiStatusWriter _writer;

    public GatewayApiSource(
        KubernetesWatches watches,
        OptionalApi api,
        IKubernetes client,
        KubernetesOptions options,
        IReadOnlyList<string?> namespaces,
        ServiceCatalogSource catalog,
        KubernetesLeadership leadership,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _options = options;
        _catalog = catalog;
        _classes = watches.Watch(api, _ => GatewayApiQueries.GatewayClasses(client));
        _gateways = [.. namespaces.Select(ns => watches.Watch(api, _ => GatewayApiQueries.Gateways(client, ns)))];
        _routes = [.. namespaces.Select(ns => watches.Watch(api, _ => GatewayApiQueries.HttpRoutes(client, ns)))];
        _grants = [.. namespaces.Select(ns => watches.Watch(api, _ => GatewayApiQueries.ReferenceGrants(client, ns)))];
        _namespaces = watches.Watch(GatewayApiQueries.Namespaces(client));
        _processor = new GatewayApiProcessor(options.GatewayApi.ControllerName);
        _writer = new GatewayApiStatusWriter(client, leadership, timeProvider, logger);
        watches.Run(_writer.RunAsync);
        Caches = [_classes, .. _gateways, .. _routes, .. _grants, _namespaces, .. catalog.Caches];
    }

    public string Name => GatewayApiProcessor.Source;

    public int Precedence => SourcePrecedence.GatewayApi;

    public IReadOnlyList<IResourceCache> Caches { get; }

    public SourceSnapshot Build()
    {
        var catalog = _catalog.Current();
        var result = _processor.Build(
            _classes.Items.Values,
            _gateways.SelectMany(c => c.Items.Values),
            _routes.SelectMany(c => c.Items.Values),
            _grants.SelectMany(c => c.Items.Values),
            catalog,
            ns => _namespaces.Items.GetValueOrDefault("/" + ns)?.Metadata.Labels,
            PublishedAddresses.Resolve(_options, catalog));
        _writer.Enqueue(result.Statuses);
        return result.Snapshot;
    }
}
