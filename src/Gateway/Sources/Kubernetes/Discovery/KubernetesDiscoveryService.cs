using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Observability;
using Gateway.Sources.Kubernetes.GatewayApi;
using Gateway.Sources.Kubernetes.Ingress;
using Gateway.Sources.Kubernetes.Istio;
using k8s;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Sources.Kubernetes.Discovery;

/// <summary>
/// Makes the enabled sources (each an <see cref="IKubernetesSource"/> over the watches it needs) and runs their watches
/// and the publishers that hand their snapshots to the model store.
/// </summary>
internal sealed class KubernetesDiscoveryService : BackgroundService
{
    private readonly KubernetesWatches _watches;

    public KubernetesDiscoveryService(
        IKubernetes client,
        KubernetesClientConfiguration clientConfiguration,
        IOptions<KubernetesOptions> kubernetesOptions,
        ModelStore store,
        ReadinessRegistry readiness,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        KubernetesMetrics metrics,
        KubernetesEventRecorder events,
        KubernetesLeadership leadership)
    {
        var options = kubernetesOptions.Value;
        var logger = loggerFactory.CreateLogger<KubernetesDiscoveryService>();
        var namespaces = options.Namespaces.Length == 0 ? [null] : options.Namespaces.Select(string? (ns) => ns).ToArray();
        var watches = _watches = new KubernetesWatches(options.WatchIdleTimeout, timeProvider, logger, metrics, readiness);
        var istio = options.Istio;

        var slices = namespaces.Select(ns => watches.Watch(KubernetesQueries.EndpointSlices(client, ns))).ToArray();
        // Sources that resolve arbitrary Services (Ingress, HTTPRoute, VirtualService) need every Service: their one
        // unfiltered watch serves the labelled Services too, so no Service is listed and held twice. Without those
        // sources only labelled Services are listed.
        var services = options.Ingress.Enabled || (options.GatewayApi.Enabled ?? true) || istio.IsEnabled
            ? namespaces.Select(ns => watches.Watch(KubernetesQueries.AllServices(client, ns))).ToArray()
            : namespaces.Select(ns => watches.Watch(KubernetesQueries.Services(client, ns))).ToArray();
        var serviceCatalog = new ServiceCatalogSource(services, slices);

        List<IKubernetesSource> sources = [new ServicesSource(serviceCatalog)];
        if (options.ApiKeySecrets)
        {
            sources.Add(new ApiKeySecretsSource(watches, client, namespaces));
        }

        if (options.Ingress.Enabled)
        {
            sources.Add(new IngressSource(watches, client, options, namespaces, serviceCatalog, events, leadership, logger));
        }

        sources.Add(new TlsSecretsSource(watches, client, namespaces, events));

        if (options.ConfigMap.Name is { } name)
        {
            var ns = options.ConfigMap.Namespace ?? clientConfiguration.Namespace ?? "default";
            sources.Add(new ConfigMapSource(watches, client, ns, name, options.ConfigMap.Key));
        }

        if (options.GatewayApi.Enabled ?? true)
        {
            var api = new OptionalApi(client, GatewayApiGroup.Name, [GatewayApiGroup.V1], "GatewayClasses, Gateways and HTTPRoutes", options.GatewayApi.MissingCrdRetry, timeProvider, logger);
            var inferenceApi = new OptionalApi(client, InferencePoolQueries.Group, [InferencePoolQueries.V1], "InferencePools", options.GatewayApi.MissingCrdRetry, timeProvider, logger);
            sources.Add(new GatewayApiSource(watches, api, inferenceApi, client, options, namespaces, serviceCatalog, leadership, events, timeProvider, logger));
        }

        if (istio.IsEnabled)
        {
            var api = new OptionalApi(client, IstioQueries.Group, istio.ApiVersions, "VirtualServices and DestinationRules", istio.DiscoveryInterval, timeProvider, logger);
            sources.Add(new IstioSource(watches, api, client, istio, namespaces, serviceCatalog, events, loggerFactory));
        }

        foreach (var source in sources)
        {
            readiness.Expect(source.Name);
            watches.Run(new SnapshotPublisher(source, store, readiness, timeProvider, options.Debounce, logger).RunAsync);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_watches.Runs.Select(run => Task.Run(() => run(stoppingToken), stoppingToken)));
}
