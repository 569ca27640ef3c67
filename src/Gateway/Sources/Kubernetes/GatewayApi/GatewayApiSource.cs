using System.Net;
using Gateway.Model;
using Gateway.Observability;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// The Gateway API source: waits until the gateway.networking.k8s.io CRDs are served (logging once while they are not,
/// and counting as ready with no routes meanwhile), then watches GatewayClasses, Gateways, HTTPRoutes, ReferenceGrants
/// and Namespaces (for allowedRoutes selectors), publishes their model and (on the leader replica) writes their status.
/// </summary>
internal sealed partial class GatewayApiSource
{
    public const string Component = "kubernetes gateway api";

    private readonly IKubernetes _client;
    private readonly GatewayApiOptions _options;
    private readonly KubernetesOptions _kubernetes;
    private readonly string?[] _namespaces;
    private readonly ServiceCatalogSource _catalog;
    private readonly ModelStore _store;
    private readonly ReadinessRegistry _readiness;
    private readonly KubernetesLeadership _leadership;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly KubernetesMetrics _metrics;

    public GatewayApiSource(
        IKubernetes client,
        KubernetesOptions kubernetes,
        string?[] namespaces,
        ServiceCatalogSource catalog,
        ModelStore store,
        ReadinessRegistry readiness,
        KubernetesLeadership leadership,
        TimeProvider timeProvider,
        ILogger logger,
        KubernetesMetrics metrics)
    {
        _client = client;
        _options = kubernetes.GatewayApi;
        _kubernetes = kubernetes;
        _namespaces = namespaces;
        _catalog = catalog;
        _store = store;
        _readiness = readiness;
        _leadership = leadership;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        readiness.Expect(Component);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WaitForCrdsAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var runs = new List<Func<CancellationToken, Task>>();
        ResourceCache<T> Watch<T>(WatchTarget<T> target)
            where T : IKubernetesObject<V1ObjectMeta>
        {
            var cache = new ResourceCache<T>();
            var loop = new WatchLoop<T>(target, cache, new Backoff(Backoff.DefaultInitial, Backoff.DefaultMaximum, Random.Shared), _kubernetes.WatchIdleTimeout, _timeProvider, _logger, _metrics);
            runs.Add(loop.RunAsync);
            return cache;
        }

        var classes = Watch(GatewayApiQueries.GatewayClasses(_client));
        var gateways = _namespaces.Select(ns => Watch(GatewayApiQueries.Gateways(_client, ns))).ToArray();
        var routes = _namespaces.Select(ns => Watch(GatewayApiQueries.HttpRoutes(_client, ns))).ToArray();
        var grants = _namespaces.Select(ns => Watch(GatewayApiQueries.ReferenceGrants(_client, ns))).ToArray();
        var namespaces = Watch(GatewayApiQueries.Namespaces(_client));
        var processor = new GatewayApiProcessor(_options.ControllerName);
        var writer = new GatewayApiStatusWriter(_client, _leadership, _timeProvider, _logger);
        runs.Add(writer.RunAsync);

        SourceSnapshot Build()
        {
            var catalog = _catalog.Current();
            var result = processor.Build(
                classes.Items.Values,
                gateways.SelectMany(c => c.Items.Values),
                routes.SelectMany(c => c.Items.Values),
                grants.SelectMany(c => c.Items.Values),
                catalog,
                ns => namespaces.Items.GetValueOrDefault("/" + ns)?.Metadata.Labels,
                PublishedAddresses.Resolve(_kubernetes, catalog));
            writer.Enqueue(result.Statuses);
            return result.Snapshot;
        }

        var publisher = new SnapshotPublisher(
            Component, SourcePrecedence.GatewayApi, [classes, .. gateways, .. routes, .. grants, namespaces, .. _catalog.Caches], Build,
            _store, _readiness, _timeProvider, _kubernetes.Debounce, _logger);
        runs.Add(publisher.RunAsync);
        await Task.WhenAll(runs.Select(run => Task.Run(() => run(cancellationToken), cancellationToken)));
    }

    /// <summary>Returns once GatewayClasses can be listed; until then the source is ready with an empty model.</summary>
    private async Task WaitForCrdsAsync(CancellationToken cancellationToken)
    {
        var logged = false;
        while (true)
        {
            try
            {
                await _client.CustomObjects.ListClusterCustomObjectAsync(GatewayApiGroup.Name, GatewayApiGroup.V1, GatewayApiGroup.GatewayClasses, limit: 1, cancellationToken: cancellationToken);
                if (logged)
                {
                    LogCrdsFound(_logger);
                }

                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                if (!logged)
                {
                    logged = true;
                    LogCrdsMissing(_logger, GatewayApiGroup.Name, _options.MissingCrdRetry.TotalSeconds);
                    await _store.PublishAsync(new SourceSnapshot(GatewayApiProcessor.Source, GatewayModel.Empty, []), SourcePrecedence.GatewayApi, cancellationToken);
                    _readiness.Ready(Component);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The API server is unreachable or refuses: the watches' own backoff and logs would say the same.
                LogCheckFailed(_logger, ex.Message);
            }

            await Task.Delay(_options.MissingCrdRetry, _timeProvider, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The Gateway API CRDs ({Group}) are not installed; HTTPRoutes are not served. Looking again every {Seconds:F0} s")]
    private static partial void LogCrdsMissing(ILogger logger, string group, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Gateway API CRDs are installed now; watching GatewayClasses, Gateways and HTTPRoutes")]
    private static partial void LogCrdsFound(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking for the Gateway API CRDs failed; retrying: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
