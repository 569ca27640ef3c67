using System.Net;
using System.Text.Json;
using Gateway.Model;
using Gateway.Rollout;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Pools the replicas' rollout statistics through the API server, one small ConfigMap per replica in the Lease's
/// namespace (<see cref="RolloutStatisticsObject"/>). A replica that does not lead writes its own every
/// <see cref="RolloutOptions.StatisticsInterval"/> while it counts a progressing step the leader published, and not at
/// all otherwise; only the leader lists and watches them (by label), so N replicas cost N-1 small writes per interval
/// and one watch. The leader adds the live ones' counts of its current step to its own (<see cref="StatisticsPool"/>).
/// </summary>
internal sealed partial class RolloutStatisticsConfigMaps : BackgroundService, IRolloutStatisticsShare
{
    private static readonly IReadOnlyDictionary<string, StepCounts> Nothing = new Dictionary<string, StepCounts>();

    private readonly IKubernetes _client;
    private readonly KubernetesLeadership _leadership;
    private readonly KubernetesMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RolloutStatisticsConfigMaps> _logger;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _idleTimeout;
    private readonly StatisticsPool _pool;
    private readonly string _namespace;
    private readonly string _replica;
    private readonly string _name;
    private readonly V1OwnerReference? _owner;
    private readonly HashSet<string> _malformed = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, StepCounts> _routes = Nothing;
    private bool _exists;
    private bool _failing;

    public RolloutStatisticsConfigMaps(
        IKubernetes client,
        KubernetesClientConfiguration clientConfiguration,
        LeaderElectionOptions options,
        IOptions<KubernetesOptions> kubernetesOptions,
        IOptions<RolloutOptions> rolloutOptions,
        KubernetesLeadership leadership,
        KubernetesMetrics metrics,
        TimeProvider timeProvider,
        ILogger<RolloutStatisticsConfigMaps> logger)
    {
        _client = client;
        _leadership = leadership;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _interval = rolloutOptions.Value.StatisticsInterval;
        _idleTimeout = kubernetesOptions.Value.WatchIdleTimeout;
        _pool = new StatisticsPool(timeProvider);
        _namespace = options.ResolveNamespace(clientConfiguration);
        var pod = Environment.GetEnvironmentVariable("POD_NAME");
        _replica = string.IsNullOrEmpty(pod) ? leadership.Identity : pod;
        _name = RolloutStatisticsObject.NameOf(_replica);
        _owner = RolloutStatisticsObject.Owner(pod, Environment.GetEnvironmentVariable("POD_UID"), Environment.GetEnvironmentVariable("POD_NAMESPACE"), _namespace);
    }

    public void Publish(IReadOnlyDictionary<string, StepCounts> routes) => _routes = routes;

    public PooledCounts Others(string route, RolloutState state) => _pool.Others(route, state);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(PublishAsync(stoppingToken), ReadWhileLeadingAsync(stoppingToken));

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval, _timeProvider);
        try
        {
            do
            {
                // Written at every interval even when unchanged: the write is the heartbeat that keeps the counts live.
                var routes = _routes;
                if (routes.Count == 0 || _leadership.IsLeader)
                {
                    continue;
                }

                try
                {
                    await WriteAsync(routes, cancellationToken);
                    if (_failing)
                    {
                        _failing = false;
                        LogPublishing(_logger, _namespace, _name);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (!_failing)
                    {
                        _failing = true;
                        LogPublishFailed(_logger, _namespace, _name, ex);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(IReadOnlyDictionary<string, StepCounts> routes, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(new ReplicaStatistics(_replica, _interval, routes), ModelJson.Options);
        var configMap = RolloutStatisticsObject.Create(_name, _namespace, _owner, json);
        if (!_exists)
        {
            try
            {
                await _client.CoreV1.CreateNamespacedConfigMapAsync(configMap, _namespace, cancellationToken: cancellationToken);
                _exists = true;
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Left by this Pod's previous container: taken over below.
                _exists = true;
            }
        }

        try
        {
            // Only this replica writes this object, so it is replaced without a resourceVersion.
            await _client.CoreV1.ReplaceNamespacedConfigMapAsync(configMap, _name, _namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            _exists = false;
            throw;
        }
    }

    /// <summary>Watches the other replicas' statistics while this replica leads, and forgets them when it stops.</summary>
    private async Task ReadWhileLeadingAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ElectedAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void OnDeposed() => term.Cancel();
            _leadership.Deposed += OnDeposed;
            try
            {
                // Subscribed first, then checked: a term that ended in between is not watched.
                if (_leadership.IsLeader)
                {
                    await WatchAsync(term.Token);
                }
            }
            finally
            {
                _leadership.Deposed -= OnDeposed;
                _pool.Clear();
            }
        }
    }

    private async Task ElectedAsync(CancellationToken cancellationToken)
    {
        var elected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnElected() => elected.TrySetResult();
        _leadership.Elected += OnElected;
        try
        {
            if (!_leadership.IsLeader)
            {
                await elected.Task.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            _leadership.Elected -= OnElected;
        }
    }

    private Task WatchAsync(CancellationToken cancellationToken)
    {
        var cache = new ResourceCache<V1ConfigMap>();
        cache.Listed += () => _pool.Replace(cache.Items.Values.Select(Read).OfType<KeyValuePair<string, ReplicaStatistics>>());
        cache.ItemChanged += (previous, current) =>
        {
            if (current is not null && Read(current) is { } received)
            {
                _pool.Received(received.Key, received.Value);
            }
            else if ((current ?? previous) is { } gone)
            {
                _pool.Removed(gone.Metadata.Name);
            }
        };
        var target = KubernetesQueries.Query<V1ConfigMap, V1ConfigMapList>(
            $"rollout statistics (configmaps labelled {RolloutStatisticsObject.Selector}) in namespace '{_namespace}'",
            ct => _client.CoreV1.ListNamespacedConfigMapAsync(_namespace, labelSelector: RolloutStatisticsObject.Selector, cancellationToken: ct),
            (rv, onError, ct) => _client.CoreV1.WatchListNamespacedConfigMapAsync(_namespace, allowWatchBookmarks: true, labelSelector: RolloutStatisticsObject.Selector, resourceVersion: rv, onError: onError, cancellationToken: ct));
        var loop = new WatchLoop<V1ConfigMap>(target, cache, new Backoff(Backoff.DefaultInitial, Backoff.DefaultMaximum, Random.Shared), _idleTimeout, _timeProvider, _logger, _metrics);
        return loop.RunAsync(cancellationToken);
    }

    /// <summary>A replica's statistics, keyed by its object's name; null for this replica's own object and for unusable ones.</summary>
    private KeyValuePair<string, ReplicaStatistics>? Read(V1ConfigMap configMap)
    {
        var name = configMap.Metadata.Name;
        if (name == _name)
        {
            // Left from when this replica followed: the leader counts its own traffic from its counters.
            return null;
        }

        string? problem;
        ReplicaStatistics? statistics = null;
        try
        {
            statistics = configMap.Data?.TryGetValue(RolloutStatisticsObject.Key, out var json) == true
                ? JsonSerializer.Deserialize<ReplicaStatistics>(json, ModelJson.Options)
                : null;
            problem = statistics is null ? $"no '{RolloutStatisticsObject.Key}' key"
                : !statistics.IsWellFormed ? $"'{RolloutStatisticsObject.Key}' is not a replica's statistics of this gateway version"
                : null;
        }
        catch (JsonException ex)
        {
            problem = $"'{RolloutStatisticsObject.Key}' is not valid JSON: {ex.Message}";
        }

        if (problem is not null)
        {
            if (_malformed.Add(name))
            {
                LogMalformed(_logger, _namespace, name, problem);
            }

            return null;
        }

        _malformed.Remove(name);
        return new KeyValuePair<string, ReplicaStatistics>(name, statistics!);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish this replica's rollout statistics in ConfigMap {Namespace}/{Name}; the leader judges without them until it can. Retrying every interval")]
    private static partial void LogPublishFailed(ILogger logger, string @namespace, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing this replica's rollout statistics in ConfigMap {Namespace}/{Name} again")]
    private static partial void LogPublishing(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout statistics in ConfigMap {Namespace}/{Name} are left out of the rollout decisions: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string @namespace, string name, string problem);
}
