using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>
/// Writes <c>status.loadBalancer.ingress</c> of our Ingresses: the configured fixed addresses, or the load-balancer
/// addresses of the configured Service. Only the leader replica writes, and only when the stored status differs; a
/// replica that is elected writes what the newest rebuild wanted; a failed write is logged and retried on the next rebuild.
/// </summary>
internal sealed partial class IngressStatusWriter
{
    private readonly Channel<IReadOnlyList<(V1Ingress Ingress, JsonArray Addresses)>> _work =
        Channel.CreateBounded<IReadOnlyList<(V1Ingress, JsonArray)>>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    private readonly IKubernetes _client;
    private readonly KubernetesOptions _options;
    private readonly KubernetesLeadership _leadership;
    private readonly ILogger _logger;
    private volatile Tuple<IReadOnlyList<V1Ingress>, ServiceCatalog>? _newest;

    public IngressStatusWriter(IKubernetes client, KubernetesOptions options, KubernetesLeadership leadership, ILogger logger)
    {
        _client = client;
        _options = options;
        _leadership = leadership;
        _logger = logger;
        leadership.Elected += () =>
        {
            if (_newest is { } newest)
            {
                Update(newest.Item1, newest.Item2);
            }
        };
    }

    /// <summary>Queues the status writes the Ingresses need; the newest call replaces one not yet started.</summary>
    public void Update(IReadOnlyList<V1Ingress> ours, ServiceCatalog catalog)
    {
        // A full fence between remembering and reading IsLeader: a replica elected meanwhile writes this rebuild's
        // status either here or from its Elected handler (which reads _newest after setting IsLeader).
        Interlocked.Exchange(ref _newest, Tuple.Create(ours, catalog));
        if (!_leadership.IsLeader)
        {
            return;
        }

        var desired = Addresses(catalog);
        if (desired.Count == 0)
        {
            return;
        }

        var writes = new List<(V1Ingress, JsonArray)>();
        foreach (var ingress in ours)
        {
            if (!JsonNode.DeepEquals(Stored(ingress), desired))
            {
                writes.Add((ingress, (JsonArray)desired.DeepClone()));
            }
        }

        if (writes.Count > 0)
        {
            _work.Writer.TryWrite(writes);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var writes in _work.Reader.ReadAllAsync(cancellationToken))
            {
                foreach (var (ingress, addresses) in writes)
                {
                    await WriteAsync(ingress, addresses, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task WriteAsync(V1Ingress ingress, JsonArray addresses, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = addresses } } };
        try
        {
            await _client.NetworkingV1.PatchNamespacedIngressStatusAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ingress.Metadata.Name, ingress.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            LogWritten(_logger, ingress.Metadata.NamespaceProperty, ingress.Metadata.Name, addresses.ToJsonString());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(_logger, ingress.Metadata.NamespaceProperty, ingress.Metadata.Name, ex.Message);
        }
    }

    /// <summary>The addresses to publish, in the shape of <c>status.loadBalancer.ingress</c>; empty when none is known yet.</summary>
    private JsonArray Addresses(ServiceCatalog catalog)
    {
        var result = new JsonArray();
        foreach (var address in PublishedAddresses.Resolve(_options, catalog))
        {
            result.Add(new JsonObject { [address.IsIp ? "ip" : "hostname"] = address.Value });
        }

        return result;
    }

    /// <summary>The stored entries with only the fields we write, so extra fields (ports) do not cause endless rewrites.</summary>
    private static JsonArray Stored(V1Ingress ingress)
    {
        var result = new JsonArray();
        foreach (var entry in ingress.Status?.LoadBalancer?.Ingress ?? [])
        {
            result.Add(!string.IsNullOrEmpty(entry.Ip) ? new JsonObject { ["ip"] = entry.Ip } : new JsonObject { ["hostname"] = entry.Hostname });
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the status of Ingress '{Namespace}/{Name}': load balancer {Addresses}")]
    private static partial void LogWritten(ILogger logger, string @namespace, string name, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the status of Ingress '{Namespace}/{Name}'; retried on the next change: {Error}")]
    private static partial void LogFailed(ILogger logger, string @namespace, string name, string error);
}
