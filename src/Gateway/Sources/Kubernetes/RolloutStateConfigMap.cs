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
/// The rollout state replicas share: one ConfigMap, <c>mlgateway-rollouts</c> in the Lease's namespace, whose
/// <c>rollouts.json</c> holds every route's <see cref="RolloutState"/>. The leader writes it when a decision changes
/// something; every replica lists and watches it (re-listing and reconnecting as every watch of the gateway does) and
/// follows each change as it arrives. A new leader decides only once it has listed it, so it resumes each rollout where
/// the last leader left it.
/// </summary>
internal sealed partial class RolloutStateConfigMap : BackgroundService, IRolloutStateShare
{
    public const string Name = "mlgateway-rollouts";
    public const string Key = "rollouts.json";

    // A failed write is tried again after this, or as soon as the watch shows a newer object.
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(500);

    private readonly IKubernetes _client;
    private readonly KubernetesLeadership _leadership;
    private readonly ILogger<RolloutStateConfigMap> _logger;
    private readonly string _namespace;
    private readonly ResourceCache<V1ConfigMap> _cache = new();
    private readonly WatchLoop<V1ConfigMap> _watch;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile IReadOnlyDictionary<string, RolloutState> _shared = new Dictionary<string, RolloutState>();
    private volatile V1ConfigMap? _current;
    private volatile bool _unreadable;
    private volatile string? _pending;
    private string? _written;

    public RolloutStateConfigMap(
        IKubernetes client,
        KubernetesClientConfiguration clientConfiguration,
        LeaderElectionOptions options,
        IOptions<KubernetesOptions> kubernetesOptions,
        KubernetesLeadership leadership,
        KubernetesMetrics metrics,
        TimeProvider timeProvider,
        ILogger<RolloutStateConfigMap> logger)
    {
        _client = client;
        _leadership = leadership;
        _logger = logger;
        _namespace = options.ResolveNamespace(clientConfiguration);
        var query = KubernetesQueries.ConfigMap(client, _namespace, Name);

        // A list that fails (RBAC, API down) lets the leader decide on what it has rather than never.
        var target = query with
        {
            List = async ct =>
            {
                try
                {
                    var listed = await query.List(ct);
                    _unreadable = false;
                    return listed;
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    _unreadable = true;
                    throw;
                }
            },
        };
        _watch = new WatchLoop<V1ConfigMap>(target, _cache, new Backoff(Backoff.DefaultInitial, Backoff.DefaultMaximum, Random.Shared), kubernetesOptions.Value.WatchIdleTimeout, timeProvider, logger, metrics);
        _cache.Changed += OnChanged;
    }

    public event Action? Changed;

    public bool Decides => _leadership.IsLeader && (_cache.IsSynced || _unreadable);

    public IReadOnlyDictionary<string, RolloutState> Shared => _shared;

    public void Publish(IReadOnlyDictionary<string, RolloutState> states)
    {
        _pending = JsonSerializer.Serialize(states, ModelJson.Options);
        Wake();
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watching = _watch.RunAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WriteAsync(stoppingToken);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Another leader wrote first, or the watch has not shown this replica's last write yet: the next change
                // the watch delivers wakes the loop, and the write is tried again only if this replica still leads.
                LogConflict(_logger, _namespace, Name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWriteFailed(_logger, _namespace, Name, ex);
            }

            try
            {
                await _wake.WaitAsync(RetryPeriod, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await watching;
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another signal came first; the loop writes the latest states either way.
            }
        }
    }

    private void OnChanged()
    {
        var current = _cache.Items.Values.FirstOrDefault();
        _current = current;
        _shared = current?.Data?.TryGetValue(Key, out var json) == true ? Parse(json) : new Dictionary<string, RolloutState>();
        if (_leadership.IsLeader && _pending != _written)
        {
            Wake();
        }

        Changed?.Invoke();
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (!_leadership.IsLeader)
        {
            // Another leader may write in between; when this replica leads again, it writes its states afresh.
            _written = null;
            return;
        }

        var pending = _pending;
        if (pending is null || pending == _written)
        {
            return;
        }

        var data = new Dictionary<string, string> { [Key] = pending };
        var current = _current;
        V1ConfigMap written;
        if (current is null)
        {
            written = await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = _namespace }, Data = data }, _namespace, cancellationToken: cancellationToken);
        }
        else
        {
            // Replaced at the resourceVersion last seen (the watched object, or this replica's last write), so a
            // leader never overwrites a state it has not seen.
            var replacement = new V1ConfigMap { ApiVersion = current.ApiVersion, Kind = current.Kind, Metadata = current.Metadata, Data = data };
            written = await _client.CoreV1.ReplaceNamespacedConfigMapAsync(replacement, Name, _namespace, cancellationToken: cancellationToken);
        }

        _current = written;
        _written = pending;
        _shared = Parse(pending);
    }

    private Dictionary<string, RolloutState> Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, RolloutState>>(json, ModelJson.Options) ?? [];
        }
        catch (JsonException ex)
        {
            LogUnreadable(_logger, _namespace, Name, ex.Message);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the shared rollout state in ConfigMap {Namespace}/{Name}; retrying")]
    private static partial void LogWriteFailed(ILogger logger, string @namespace, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The shared rollout state in ConfigMap {Namespace}/{Name} changed since this replica last saw it; writing again once the watch shows the change")]
    private static partial void LogConflict(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared rollout state in ConfigMap {Namespace}/{Name} is not readable and is ignored: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string @namespace, string name, string reason);
}
