using Gateway.Hosting;
using Gateway.Model;
using Gateway.Observability;
using Gateway.Sources.Kubernetes.Ingress;
using Gateway.Tls;
using Gateway.Sources.Kubernetes.Istio;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Runs the watches (Services, EndpointSlices and API-key Secrets per configured namespace, and the gateway ConfigMap) and the
/// publishers that turn their caches into source snapshots.
/// </summary>
internal sealed class KubernetesDiscoveryService : BackgroundService
{
    public const string ServicesComponent = "kubernetes services";

    private readonly List<Func<CancellationToken, Task>> _runs = [];
    private readonly ServiceCatalogSource? _catalog;

    public KubernetesDiscoveryService(
        IKubernetes client,
        KubernetesClientConfiguration clientConfiguration,
        IOptions<GatewayOptions> gatewayOptions,
        ModelStore store,
        ReadinessRegistry readiness,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        KubernetesMetrics metrics,
        CertificateRegistry certificates,
        KubernetesEventRecorder events,
        KubernetesLeadership leadership)
    {
        var options = gatewayOptions.Value.Kubernetes;
        var logger = loggerFactory.CreateLogger<KubernetesDiscoveryService>();
        var namespaces = options.Namespaces.Length == 0 ? [null] : options.Namespaces.Select(string? (ns) => ns).ToArray();

        ResourceCache<T> Watch<T>(WatchTarget<T> target)
            where T : IKubernetesObject<V1ObjectMeta>
        {
            var cache = new ResourceCache<T>();
            var loop = new WatchLoop<T>(target, cache, new Backoff(Backoff.DefaultInitial, Backoff.DefaultMaximum, Random.Shared), options.WatchIdleTimeout, timeProvider, logger, metrics);
            _runs.Add(loop.RunAsync);
            return cache;
        }

        void Publish(string component, int precedence, IReadOnlyList<IResourceCache> caches, Func<SourceSnapshot> build)
        {
            readiness.Expect(component);
            var publisher = new SnapshotPublisher(component, precedence, caches, build, store, readiness, timeProvider, options.Debounce, logger);
            _runs.Add(publisher.RunAsync);
        }

        var slices = namespaces.Select(ns => Watch(KubernetesQueries.EndpointSlices(client, ns))).ToArray();
        ResourceCache<V1Service>[] services;
        Func<IEnumerable<V1Service>> exposed;
        if (options.Ingress.Enabled || (options.GatewayApi.Enabled ?? true) || gatewayOptions.Value.Istio is { IsEnabled: true })
        {
            // Sources that resolve arbitrary Services (Ingress, HTTPRoute, VirtualService) need every Service: their one
            // unfiltered watch serves the labelled Services too, so no Service is listed and held twice.
            services = namespaces.Select(ns => Watch(KubernetesQueries.AllServices(client, ns))).ToArray();
            _catalog = new ServiceCatalogSource(services, slices);
            exposed = () => services.SelectMany(c => c.Items.Values).Where(KubernetesQueries.IsExposed);
        }
        else
        {
            // Only labelled Services: a gateway without those sources never lists every Service of the cluster.
            services = namespaces.Select(ns => Watch(KubernetesQueries.Services(client, ns))).ToArray();
            exposed = () => services.SelectMany(c => c.Items.Values);
        }

        var processor = new ServiceProcessor();
        Publish(ServicesComponent, SourcePrecedence.KubernetesServices, [.. services, .. slices], () => processor.Build(
            exposed(),
            slices.SelectMany(c => c.Items.Values)));

        if (options.ApiKeySecrets)
        {
            var secrets = namespaces.Select(ns => Watch(KubernetesQueries.ApiKeySecrets(client, ns))).ToArray();
            var secretProcessor = new ApiKeySecretProcessor();
            Publish(ApiKeySecretProcessor.Source, SourcePrecedence.KubernetesApiKeySecrets, secrets, () => secretProcessor.Build(
                secrets.SelectMany(c => c.Items.Values)));
        }

        if (options.Ingress.Enabled)
        {
            var ingresses = namespaces.Select(ns => Watch(IngressQueries.Ingresses(client, ns))).ToArray();
            var ingressClasses = Watch(IngressQueries.IngressClasses(client));
            var ingressProcessor = new IngressProcessor(options.Ingress);
            var statusWriter = new IngressStatusWriter(client, options, leadership, logger);
            _runs.Add(statusWriter.RunAsync);
            Publish(IngressProcessor.Source, SourcePrecedence.KubernetesIngress, [.. ingresses, ingressClasses, .. Catalog.Caches], () =>
            {
                var catalog = Catalog.Current();
                var build = ingressProcessor.Build(ingresses.SelectMany(c => c.Items.Values), ingressClasses.Items.Values, catalog);
                foreach (var report in build.Reports)
                {
                    events.Warn(report.Ingress, report.Reason, report.Message);
                }

                statusWriter.Update(build.Ours, catalog);
                return build.Snapshot;
            });
        }

        certificates.WatchSecrets([.. namespaces.Select(ns => Watch(KubernetesQueries.TlsSecrets(client, ns)))], readiness, events);

        if (options.ConfigMap.Name is { } name)
        {
            var ns = options.ConfigMap.Namespace ?? clientConfiguration.Namespace ?? "default";
            var configMap = Watch(KubernetesQueries.ConfigMap(client, ns, name));
            var configMapProcessor = new ConfigMapProcessor(ns, name, options.ConfigMap.Key);
            Publish(ConfigMapProcessor.SourceName(ns, name), SourcePrecedence.KubernetesConfigMap, [configMap], () => configMapProcessor.Build(
                configMap.Items.Values.FirstOrDefault()));
        }

        if (options.GatewayApi.Enabled ?? true)
        {
            _runs.Add(new GatewayApi.GatewayApiSource(client, options, namespaces, Catalog, store, readiness, leadership, timeProvider, logger, metrics).RunAsync);
        }

        if (gatewayOptions.Value.Istio is { IsEnabled: true } istio)
        {
            var source = new IstioSource(client, istio, namespaces, Catalog, events, timeProvider, options.WatchIdleTimeout, metrics, loggerFactory);
            _runs.AddRange(source.Runs);
            Publish(IstioProcessor.Source, SourcePrecedence.Istio, source.Caches, source.Build);
        }
    }

    /// <summary>The shared catalog of all Services; its <see cref="ServiceCatalogSource.Caches"/> go to the asking source's publisher.</summary>
    private ServiceCatalogSource Catalog => _catalog!;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_runs.Select(run => Task.Run(() => run(stoppingToken), stoppingToken)));
}
