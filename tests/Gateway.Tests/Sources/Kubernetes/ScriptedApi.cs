using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Gateway.Sources.Kubernetes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes;

/// <summary>
/// A scripted list/watch endpoint for <see cref="WatchLoop{T}"/> unit tests: lists answer from a queue of results, and
/// each watch is a channel the test feeds events into, completes (normal close) or fails.
/// </summary>
internal sealed class ScriptedApi
{
    private readonly Queue<Func<ResourceList<V1ConfigMap>>> _lists = new();
    private readonly Channel<ScriptedWatch> _watches = Channel.CreateUnbounded<ScriptedWatch>();

    public List<string> Calls { get; } = [];

    public WatchTarget<V1ConfigMap> Target => new("configmaps", ListAsync, Watch);

    public void EnqueueList(params V1ConfigMap[] items) => EnqueueList("10", items);

    public void EnqueueList(string resourceVersion, params V1ConfigMap[] items) => _lists.Enqueue(() => new ResourceList<V1ConfigMap>(items, resourceVersion));

    public void EnqueueListFailure() => _lists.Enqueue(() => throw new HttpRequestException("connection refused"));

    public async Task<ScriptedWatch> NextWatchAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _watches.Reader.ReadAsync(timeout.Token);
    }

    public static V1ConfigMap Item(string name, string resourceVersion) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", ResourceVersion = resourceVersion } };

    public static KubernetesException Gone() =>
        new(new V1Status { Code = (int)HttpStatusCode.Gone, Reason = "Expired", Message = "too old resource version" });

    private Task<ResourceList<V1ConfigMap>> ListAsync(CancellationToken cancellationToken)
    {
        lock (Calls)
        {
            Calls.Add("list");
        }

        return _lists.TryDequeue(out var next) ? Task.FromResult(next()) : Task.FromException<ResourceList<V1ConfigMap>>(new HttpOperationException("no scripted list"));
    }

    private async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Watch(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (Calls)
        {
            Calls.Add("watch@" + resourceVersion);
        }

        var watch = new ScriptedWatch();
        _watches.Writer.TryWrite(watch);
        await foreach (var item in watch.Events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }
}
