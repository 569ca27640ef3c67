using System.Threading.Channels;
using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Observability;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Rebuilds a source's snapshot from its caches and publishes it: the only path from a Kubernetes source to the
/// <see cref="ModelStore"/>. Changes are debounced: the first event of a burst
/// (a rollout touching many EndpointSlices) starts a short wait, and everything that arrived meanwhile goes into one
/// rebuild. Nothing is published before every cache has listed once; the first build then runs at once, and the
/// component is marked ready.
/// </summary>
internal sealed partial class SnapshotPublisher(
    IKubernetesSource source,
    ModelStore store,
    ReadinessRegistry readiness,
    TimeProvider timeProvider,
    TimeSpan debounce,
    ILogger logger)
{
    // One pending signal is enough: a rebuild always reads the newest cache contents.
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var caches = source.Caches;
        foreach (var cache in caches)
        {
            cache.Changed += Signal;
        }

        // A cache may have listed before this subscribed, and then no change would ever start the first build.
        Signal();

        try
        {
            SourceSnapshot? lastPublished = null;
            await foreach (var signal in _changes.Reader.ReadAllAsync(cancellationToken))
            {
                // The first build has nothing to coalesce: it waits for every cache's list anyway, and a wait would only
                // hold back readiness.
                if (debounce > TimeSpan.Zero && lastPublished is not null)
                {
                    await Task.Delay(debounce, timeProvider, cancellationToken);
                }

                _changes.Reader.TryRead(out _);
                if (!caches.All(c => c.IsSynced))
                {
                    continue;
                }

                try
                {
                    // Builders hand back the previous snapshot itself when nothing changed.
                    var started = timeProvider.GetTimestamp();
                    var snapshot = source.Build();
                    if (!ReferenceEquals(snapshot, lastPublished))
                    {
                        var built = timeProvider.GetElapsedTime(started);
                        lastPublished = snapshot;
                        await store.PublishAsync(snapshot, source.Precedence, cancellationToken);
                        LogPublished(logger, source.Name, built.TotalMilliseconds, timeProvider.GetElapsedTime(started).TotalMilliseconds);
                    }

                    readiness.Ready(source.Name);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogBuildFailed(logger, source.Name, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            foreach (var cache in caches)
            {
                cache.Changed -= Signal;
            }
        }
    }

    private void Signal() => _changes.Writer.TryWrite(true);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Component}: built in {BuildMs:F1} ms, applied after {TotalMs:F1} ms")]
    private static partial void LogPublished(ILogger logger, string component, double buildMs, double totalMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Building the configuration of {Component} failed; the previous one keeps serving")]
    private static partial void LogBuildFailed(ILogger logger, string component, Exception exception);
}
