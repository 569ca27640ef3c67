using System.Text.Json;
using System.Threading.Channels;
using Gateway.Model;
using Gateway.Observability;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Rebuilds a source's snapshot from its caches and publishes it. Changes are debounced: the first event of a burst
/// (a rollout touching many EndpointSlices) starts a short wait, and everything that arrived meanwhile goes into one
/// rebuild. Nothing is published before every cache has listed once; then the component is marked ready.
/// </summary>
internal sealed partial class SnapshotPublisher(
    string component,
    int precedence,
    IReadOnlyList<IResourceCache> caches,
    Func<SourceSnapshot> build,
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
        foreach (var cache in caches)
        {
            cache.Changed += Signal;
        }

        try
        {
            string? lastPublished = null;
            await foreach (var signal in _changes.Reader.ReadAllAsync(cancellationToken))
            {
                if (debounce > TimeSpan.Zero)
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
                    var snapshot = build();
                    var fingerprint = JsonSerializer.Serialize(snapshot, ModelJson.Options);
                    if (fingerprint != lastPublished)
                    {
                        lastPublished = fingerprint;
                        await store.PublishAsync(snapshot, precedence, cancellationToken);
                    }

                    readiness.Ready(component);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogBuildFailed(logger, component, ex);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Building the configuration of {Component} failed; the previous one keeps serving")]
    private static partial void LogBuildFailed(ILogger logger, string component, Exception exception);
}
