using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// Writes the statuses of the latest rebuild through the status subresource (a JSON merge patch of <c>status</c>),
/// only for objects whose status differs from the one the watch last showed. Only the leader replica writes; a replica
/// that becomes leader writes what the latest rebuild computed. A failed write is retried after a short wait.
/// </summary>
internal sealed partial class GatewayApiStatusWriter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);
    private readonly IKubernetes _client;
    private readonly KubernetesLeadership _leadership;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private volatile StatusUpdate[] _pending = [];

    public GatewayApiStatusWriter(IKubernetes client, KubernetesLeadership leadership, TimeProvider timeProvider, ILogger logger)
    {
        _client = client;
        _leadership = leadership;
        _timeProvider = timeProvider;
        _logger = logger;
        leadership.Elected += () => _signal.Writer.TryWrite(true);
    }

    public void Enqueue(ImmutableArray<StatusUpdate> updates)
    {
        _pending = [.. updates];
        _signal.Writer.TryWrite(true);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var signal in _signal.Reader.ReadAllAsync(cancellationToken))
            {
                if (!_leadership.IsLeader)
                {
                    continue;
                }

                var failed = false;
                foreach (var update in _pending)
                {
                    failed |= !await WriteAsync(update, cancellationToken);
                }

                if (failed)
                {
                    await Task.Delay(RetryDelay, _timeProvider, cancellationToken);
                    _signal.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <returns>False when the write failed.</returns>
    private async Task<bool> WriteAsync(StatusUpdate update, CancellationToken cancellationToken)
    {
        var metadata = update.Object.Metadata;
        var current = update.Current is null ? null : JsonNode.Parse(KubernetesJson.Serialize(update.Current));
        var desired = JsonNode.Parse(KubernetesJson.Serialize(update.Desired))!;
        StatusJson.StampTransitions(desired, current, _timeProvider.GetUtcNow());
        if (JsonNode.DeepEquals(desired, current))
        {
            return true;
        }

        // The watch may not have shown our last write yet: the same status for the same object version is written once.
        var key = $"{update.Plural}/{metadata.NamespaceProperty}/{metadata.Name}";
        var patch = new JsonObject { ["status"] = desired }.ToJsonString();
        if (_written.TryGetValue(key, out var last) && last == metadata.ResourceVersion + patch)
        {
            return true;
        }

        try
        {
            var body = new V1Patch(patch, V1Patch.PatchType.MergePatch);
            if (metadata.NamespaceProperty is { } ns)
            {
                await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(body, update.Group, update.Version, ns, update.Plural, metadata.Name, cancellationToken: cancellationToken);
            }
            else
            {
                await _client.CustomObjects.PatchClusterCustomObjectStatusAsync(body, update.Group, update.Version, update.Plural, metadata.Name, cancellationToken: cancellationToken);
            }

            _written[key] = metadata.ResourceVersion + patch;
            LogWritten(_logger, update.Object.Kind, key);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(_logger, update.Object.Kind, key, ex.Message, ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wrote the status of {Kind} {Key}")]
    private static partial void LogWritten(ILogger logger, string kind, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the status of {Kind} {Key} failed; retrying: {Reason}")]
    private static partial void LogFailed(ILogger logger, string kind, string key, string reason, Exception exception);
}
