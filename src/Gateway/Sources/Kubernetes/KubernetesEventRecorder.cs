using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Tells the owner of a Kubernetes object what the gateway refused or ignored in it, as a Warning Event on the object
/// (<c>kubectl describe</c> shows it). Each distinct problem of an object is posted once, by the leader replica only: a
/// follower keeps its problems and posts them if it is elected. Posting never blocks the caller and a failure is only
/// logged, so a missing RBAC rule cannot stop configuration.
/// </summary>
internal sealed partial class KubernetesEventRecorder
{
    public const string ReportingController = "mlgateway.io/gateway-controller";

    // Bounds the memory of "already posted" under churn; forgetting only means an Event may be posted again.
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<string, byte> _posted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (IKubernetesObject<V1ObjectMeta> Object, string Reason, string Message)> _pending = new(StringComparer.Ordinal);
    private readonly string _instance = Environment.GetEnvironmentVariable("HOSTNAME") ?? Environment.MachineName;
    private readonly IKubernetes _client;
    private readonly KubernetesLeadership _leadership;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<KubernetesEventRecorder> _logger;

    public KubernetesEventRecorder(IKubernetes client, KubernetesLeadership leadership, TimeProvider timeProvider, ILogger<KubernetesEventRecorder> logger)
    {
        _client = client;
        _leadership = leadership;
        _timeProvider = timeProvider;
        _logger = logger;
        leadership.Elected += PostPending;
    }

    public void Warn(IKubernetesObject<V1ObjectMeta> obj, string reason, string message)
    {
        var metadata = obj.Metadata;
        var key = $"{metadata.Uid ?? metadata.NamespaceProperty + "/" + metadata.Name}|{reason}|{message}";
        if (_posted.ContainsKey(key) || _pending.Count >= MaxRemembered)
        {
            return;
        }

        // Every problem goes through the pending set, then whoever sees this replica lead drains it: a warning found
        // while the election is being won is posted either here or by the Elected handler, never left behind. (Checking
        // leadership first and remembering the problem after would lose it when Elected ran in between.)
        _pending.TryAdd(key, (obj, reason, message));
        Interlocked.MemoryBarrier();
        if (_leadership.IsLeader)
        {
            PostPending();
        }
    }

    private void PostPending()
    {
        foreach (var (key, _) in _pending)
        {
            // Leadership lost meanwhile: the rest waits for the next election.
            if (!_leadership.IsLeader)
            {
                return;
            }

            // Only the caller that takes a problem out of the set posts it, so concurrent drains never post it twice.
            if (!_pending.TryRemove(key, out var problem) || !_posted.TryAdd(key, 0))
            {
                continue;
            }

            if (_posted.Count > MaxRemembered)
            {
                _posted.Clear();
            }

            Post(problem.Object, problem.Reason, problem.Message);
        }
    }

    private void Post(IKubernetesObject<V1ObjectMeta> obj, string reason, string message)
    {
        var metadata = obj.Metadata;
        var ns = metadata.NamespaceProperty ?? "default";
        var item = new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = metadata.Name + ".", NamespaceProperty = ns },
            EventTime = _timeProvider.GetUtcNow().UtcDateTime,
            ReportingController = ReportingController,
            ReportingInstance = _instance,
            Action = "Configure",
            Reason = reason,
            Note = message.Length > 1024 ? message[..1024] : message,
            Type = "Warning",
            Regarding = new V1ObjectReference
            {
                ApiVersion = obj.ApiVersion,
                Kind = obj.Kind,
                Name = metadata.Name,
                NamespaceProperty = metadata.NamespaceProperty,
                Uid = metadata.Uid,
            },
        };
        _ = PostAsync(item, ns);
    }

    private async Task PostAsync(Eventsv1Event item, string ns)
    {
        try
        {
            await _client.EventsV1.CreateNamespacedEventAsync(item, ns);
        }
        catch (Exception ex)
        {
            LogPostFailed(_logger, item.Regarding.Kind, ns, item.Regarding.Name, item.Reason, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post the {Reason} Event on {Kind} {Namespace}/{Name}")]
    private static partial void LogPostFailed(ILogger logger, string kind, string @namespace, string name, string reason, Exception exception);
}
