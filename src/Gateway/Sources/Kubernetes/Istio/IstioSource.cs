using Gateway.Model;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// The Istio source's watches and build: VirtualServices and DestinationRules per watched namespace (once the CRDs are
/// served), the pods of the subsets in use, and the shared Service catalog.
/// </summary>
internal sealed class IstioSource
{
    private readonly List<Func<CancellationToken, Task>> _runs = [];
    private readonly ResourceCache<IstioObject>[] _virtualServices;
    private readonly ResourceCache<IstioObject>[] _destinationRules;
    private readonly PodWatchSet _pods;
    private readonly ServiceCatalogSource _catalog;
    private readonly IstioProcessor _processor;
    private SourceSnapshot? _published;

    public IstioSource(
        IKubernetes client,
        IstioOptions options,
        IReadOnlyList<string?> namespaces,
        ServiceCatalogSource catalog,
        KubernetesEventRecorder events,
        TimeProvider timeProvider,
        TimeSpan watchIdleTimeout,
        KubernetesMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger<IstioSource>();
        var discovery = new IstioApiDiscovery(client, options, timeProvider, logger);

        WatchLoop<T> Loop<T>(WatchTarget<T> target, ResourceCache<T> cache)
            where T : IKubernetesObject<V1ObjectMeta> =>
            new(target, cache, new Backoff(Backoff.DefaultInitial, Backoff.DefaultMaximum, Random.Shared), watchIdleTimeout, timeProvider, logger, metrics);

        ResourceCache<IstioObject> Watch(IstioKind kind, string? ns)
        {
            var cache = new ResourceCache<IstioObject>();
            _runs.Add(new IstioWatch<IstioObject>(discovery, cache, version => Loop(IstioQueries.Objects(client, kind, version, ns), cache)).RunAsync);
            return cache;
        }

        _virtualServices = [.. namespaces.Select(ns => Watch(IstioKind.VirtualService, ns))];
        _destinationRules = [.. namespaces.Select(ns => Watch(IstioKind.DestinationRule, ns))];
        _pods = new PodWatchSet((selector, cache) => Loop(IstioQueries.Pods(client, selector), cache).RunAsync);
        _runs.Add(_pods.RunAsync);
        _catalog = catalog;
        _processor = new IstioProcessor(options, loggerFactory.CreateLogger<IstioProcessor>(), events.Warn);
        Caches = [.. _virtualServices, .. _destinationRules, _pods, .. catalog.Caches];
    }

    public IReadOnlyList<Func<CancellationToken, Task>> Runs => _runs;

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
