using k8s.Models;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// One label-selected pod watch per DestinationRule subset in use, started when a route first needs the subset and
/// stopped when none does any more. Seen by the publisher as one cache: listed when every watch has listed.
/// </summary>
internal sealed class PodWatchSet(Func<PodSelector, ResourceCache<V1Pod>, Func<CancellationToken, Task>> loopFor) : IResourceCache
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<PodSelector, Watch> _watches = [];

    public event Action? Changed;

    public bool IsSynced => _watches.Values.All(w => w.Cache.IsSynced);

    /// <summary>The pods of every running watch, by namespace/name.</summary>
    public IReadOnlyDictionary<string, V1Pod> Pods()
    {
        var pods = new Dictionary<string, V1Pod>(StringComparer.Ordinal);
        foreach (var watch in _watches.Values)
        {
            foreach (var (key, pod) in watch.Cache.Items)
            {
                pods[key] = pod;
            }
        }

        return pods;
    }

    /// <summary>Runs exactly the watches of <paramref name="selectors"/>. True when all of them have listed.</summary>
    public bool Require(IReadOnlySet<PodSelector> selectors)
    {
        lock (_gate)
        {
            var watches = new Dictionary<PodSelector, Watch>();
            foreach (var selector in selectors)
            {
                watches[selector] = _watches.Remove(selector, out var running) ? running : Start(selector);
            }

            foreach (var stale in _watches.Values)
            {
                stale.Cache.Changed -= OnChanged;
                stale.Stop.Cancel();
            }

            _watches = watches;
            return watches.Values.All(w => w.Cache.IsSynced);
        }
    }

    /// <summary>Keeps the watches running until <paramref name="cancellationToken"/> stops the gateway.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync();
        }
    }

    private Watch Start(PodSelector selector)
    {
        var cache = new ResourceCache<V1Pod>();
        cache.Changed += OnChanged;
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var run = loopFor(selector, cache);
        _ = Task.Run(
            async () =>
            {
                try
                {
                    await run(stop.Token);
                }
                finally
                {
                    stop.Dispose();
                }
            },
            CancellationToken.None);
        return new Watch(cache, stop);
    }

    private void OnChanged() => Changed?.Invoke();

    private sealed record Watch(ResourceCache<V1Pod> Cache, CancellationTokenSource Stop);
}
