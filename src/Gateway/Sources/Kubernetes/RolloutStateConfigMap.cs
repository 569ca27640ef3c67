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
/// something; every replica reads it a few times a second and follows it. A new leader decides only once it has read
/// it, so it resumes each rollout where the last leader left it.
/// </summary>
internal sealed partial class RolloutStateConfigMap(
    IKubernetes client,
    KubernetesClientConfiguration clientConfiguration,
    LeaderElectionOptions options,
    KubernetesLeadership leadership,
    IOptions<RolloutOptions> rolloutOptions,
    RolloutRegistry rollouts,
    ILogger<RolloutStateConfigMap> logger) : BackgroundService, IRolloutStateShare
{
    public const string Name = "mlgateway-rollouts";
    public const string Key = "rollouts.json";

    private static readonly TimeSpan LongestPeriod = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _published = new(0, 1);
    private volatile IReadOnlyDictionary<string, RolloutState> _shared = new Dictionary<string, RolloutState>();
    private volatile bool _read;
    private volatile string? _pending;
    private string? _written;

    public bool Decides => leadership.IsLeader && _read;

    public IReadOnlyDictionary<string, RolloutState> Shared => _shared;

    public void Publish(IReadOnlyDictionary<string, RolloutState> states)
    {
        _pending = JsonSerializer.Serialize(states, ModelJson.Options);
        if (_published.CurrentCount == 0)
        {
            try
            {
                _published.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another publish signalled first; the loop writes the latest states either way.
            }
        }
    }

    public override void Dispose()
    {
        _published.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ns = options.LeaseNamespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? clientConfiguration.Namespace ?? "default";
        var period = rolloutOptions.Value.TickInterval < LongestPeriod ? rolloutOptions.Value.TickInterval : LongestPeriod;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(ns, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Unreadable or unwritable (RBAC, API down): the leader decides on what it has rather than never.
                _read = true;
                LogSyncFailed(logger, ns, Name, ex);
            }

            try
            {
                await _published.WaitAsync(period, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SyncAsync(string ns, CancellationToken cancellationToken)
    {
        // Read once at start, then only while this process runs rollouts or has states to write: a cluster without
        // rollouts costs the API server nothing.
        if (_read && _pending == _written && !rollouts.Statuses().Any())
        {
            return;
        }

        V1ConfigMap? current = null;
        try
        {
            current = await client.CoreV1.ReadNamespacedConfigMapAsync(Name, ns, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }

        if (!leadership.IsLeader)
        {
            // Another leader may write in between; when this replica leads again, it writes its states afresh.
            _written = null;
        }

        var pending = _pending;
        if (leadership.IsLeader && pending is not null && pending != _written)
        {
            var data = new Dictionary<string, string> { [Key] = pending };
            if (current is null)
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = ns }, Data = data }, ns, cancellationToken: cancellationToken);
            }
            else
            {
                // Replaced at the resourceVersion read just now: a conflict means another leader wrote first, and this
                // write is retried on the next pass only if this replica still leads.
                current.Data = data;
                await client.CoreV1.ReplaceNamespacedConfigMapAsync(current, Name, ns, cancellationToken: cancellationToken);
            }

            _written = pending;
            _shared = Parse(pending, ns);
            return;
        }

        _shared = current?.Data?.TryGetValue(Key, out var json) == true ? Parse(json, ns) : new Dictionary<string, RolloutState>();
        _read = true;
    }

    private Dictionary<string, RolloutState> Parse(string json, string ns)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, RolloutState>>(json, ModelJson.Options) ?? [];
        }
        catch (JsonException ex)
        {
            LogUnreadable(logger, ns, Name, ex.Message);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read or write the shared rollout state in ConfigMap {Namespace}/{Name}; retrying")]
    private static partial void LogSyncFailed(ILogger logger, string @namespace, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared rollout state in ConfigMap {Namespace}/{Name} is not readable and is ignored: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string @namespace, string name, string reason);
}
