using Gateway.Hosting;
using Gateway.Model;
using Gateway.Observability;
using Gateway.Sources.Kubernetes.Ingress;
using Gateway.Sources.Kubernetes.Istio;
using Gateway.Tls;
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
        // Sources that resolve arbitrary Services (Ingress, HTTPRoute, VirtualService) need every Service: their one
        // unfiltered watch serves the labelled Services too, so no Service is listed and held twice. Without those
        // sources only labelled Services are listed.
        var services = options.Ingress.Enabled || (options.GatewayApi.Enabled ?? true) || gatewayOptions.Value.Istio is { IsEnabled: true }
            ? namespaces.Select(ns => Watch(KubernetesQueries.AllServices(client, ns))).ToArray()
            : namespaces.Select(ns => Watch(KubernetesQueries.Services(client, ns))).ToArray();
        var serviceCatalog = new ServiceCatalogSource(services, slices);

        var processor = new ServiceProcessor();
        Publish(ServicesComponent, SourcePrecedence.KubernetesServices, serviceCatalog.Caches, () =>
        {
            // The catalog's slice index is the one the other sources use: built once per change, not once per source.
            var catalog = serviceCatalog.Current();
            return processor.Build(catalog.Services.Where(KubernetesQueries.IsExposed), catalog.EndpointSlices);
        });

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
            Publish(IngressProcessor.Source, SourcePrecedence.KubernetesIngress, [.. ingresses, ingressClasses, .. serviceCatalog.Caches], () =>
            {
                var catalog = serviceCatalog.Current();
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
            _runs.Add(new GatewayApi.GatewayApiSource(client, options, namespaces, serviceCatalog, store, readiness, leadership, timeProvider, logger, metrics).RunAsync);
        }

        if (gatewayOptions.Value.Istio is { IsEnabled: true } istio)
        {
            var source = new IstioSource(client, istio, namespaces, serviceCatalog, events, timeProvider, options.WatchIdleTimeout, metrics, loggerFactory);
            _runs.AddRange(source.Runs);
            Publish(IstioProcessor.Source, SourcePrecedence.Istio, source.Caches, source.Build);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_runs.Select(run => Task.Run(() => run(stoppingToken), stoppingToken)));
}
