using System.Net;
using Gateway.Observability;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Keeps a <see cref="ResourceCache{T}"/> in step with the API server: list, then watch from the list's resourceVersion
/// (with bookmarks, so the version stays fresh); re-watch after a normal close; re-list when the version has expired
/// (410 Gone); back off exponentially with jitter on any other failure. The cache keeps the last known objects meanwhile.
/// </summary>
/// <remarks>
/// A list or watch refused with 403 Forbidden is a missing RBAC rule, not a passing failure: it is logged once as an
/// error naming the rule, reported on <c>/readyz</c> through the <see cref="ReadinessRegistry"/>, and retried quietly,
/// so granting the rule is enough to recover.
/// A watch silent for longer than the idle timeout (no event, not even a bookmark) is abandoned and resumed: a
/// connection can die without a reset (a NAT entry dropped), and would otherwise freeze the cache without an error.
/// </remarks>
internal sealed partial class WatchLoop<T>(
    WatchTarget<T> target,
    ResourceCache<T> cache,
    Backoff backoff,
    TimeSpan idleTimeout,
    TimeProvider timeProvider,
    ILogger logger,
    KubernetesMetrics? metrics = null,
    ReadinessRegistry? readiness = null)
    where T : IKubernetesObject<V1ObjectMeta>
{
    // "V1EndpointSlice" -> "EndpointSlice": a bounded label naming the kind, unless the target names it (one type, several kinds).
    private static readonly string TypeKind = typeof(T).Name.StartsWith("V1", StringComparison.Ordinal) ? typeof(T).Name[2..] : typeof(T).Name;

    private readonly string _kind = target.Kind ?? TypeKind;

    // The refusal in force, so it is logged once rather than on every retry.
    private WatchRefusal? _refusal;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoopAsync(cancellationToken);
        }
        finally
        {
            // A loop stopped on demand (a selector no longer used) no longer needs the access it was refused.
            if (_refusal is not null)
            {
                readiness?.Granted(target.Description);
            }
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var expiredInARow = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var received = false;
            try
            {
                if (resourceVersion is null)
                {
                    var list = await target.List(cancellationToken);
                    Granted("list");
                    cache.Replace(list.Items);
                    resourceVersion = list.ResourceVersion;
                    Log.Listed(logger, target.Description, list.Items.Count, resourceVersion);
                    metrics?.Listed(_kind);
                }

                using var idle = new CancellationTokenSource(idleTimeout, timeProvider);
                using var stopping = cancellationToken.Register(idle.Cancel);
                await foreach (var (type, item) in target.Watch(resourceVersion, idle.Token))
                {
                    idle.CancelAfter(idleTimeout);
                    if (!received)
                    {
                        Granted("watch");
                    }

                    received = true;
                    expiredInARow = 0;
                    backoff.Reset();
                    metrics?.Event(_kind, type.ToString());
                    switch (type)
                    {
                        case WatchEventType.Added:
                        case WatchEventType.Modified:
                            cache.Upsert(item);
                            break;
                        case WatchEventType.Deleted:
                            cache.Remove(item);
                            break;
                    }

                    resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                }

                // A normal close (the server's watch timeout): watch again from where we are. A watch that closes at once
                // without a single event is treated as a failure so a misbehaving server cannot make this spin.
                if (!received)
                {
                    await DelayAsync(null, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // The idle timeout: watch again from the last version seen.
                Log.Silent(logger, target.Description, idleTimeout.TotalSeconds);
            }
            catch (Exception ex) when (IsExpired(ex))
            {
                // Events between our version and now are gone: only a fresh list shows the current state.
                resourceVersion = null;
                Log.Expired(logger, target.Description);
                if (++expiredInARow > 1 && !received)
                {
                    await DelayAsync(ex, cancellationToken);
                }
            }
            catch (Exception ex) when (WatchRefusal.From(ex) is { } refusal)
            {
                Refused(refusal, ex);
                await DelayAsync(ex, cancellationToken, quiet: true);
            }
            catch (Exception ex)
            {
                await DelayAsync(ex, cancellationToken);
            }
        }
    }

    /// <summary>410 Gone, as an HTTP status or as a watch ERROR event carrying a Status with code 410.</summary>
    public static bool IsExpired(Exception exception) => exception switch
    {
        KubernetesException { Status.Code: (int)HttpStatusCode.Gone } => true,
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } => true,
        _ => false,
    };

    private void Refused(WatchRefusal refusal, Exception exception)
    {
        if (refusal.Access == _refusal?.Access)
        {
            return;
        }

        _refusal = refusal;
        // Logged before /readyz names it, so whoever reads the refusal there finds the rule to add in the log.
        Log.Refused(logger, refusal.Access, refusal.Rule, refusal.Role, refusal.Message ?? exception.Message);
        readiness?.Refused(target.Description, refusal.Access);
    }

    private void Granted(string verb)
    {
        if (_refusal is { } refused && refused.Verb == verb)
        {
            _refusal = null;
            Log.Granted(logger, refused.Access);
            readiness?.Granted(target.Description);
        }
    }

    private async Task DelayAsync(Exception? exception, CancellationToken cancellationToken, bool quiet = false)
    {
        var delay = backoff.Next();
        if (quiet)
        {
            Log.RetryingRefused(logger, target.Description, delay.TotalMilliseconds);
        }
        else
        {
            Log.Retrying(logger, target.Description, delay.TotalMilliseconds, exception?.Message ?? "the watch closed without any event", exception);
        }

        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the loop condition ends the run.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Description}: {Count} objects at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, string description, int count, string resourceVersion);

        [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Description} expired (410 Gone); listing again")]
        public static partial void Expired(ILogger logger, string description);

        [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Description} was silent for {Seconds:F0} s; watching again")]
        public static partial void Silent(ILogger logger, string description, double seconds);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Watching {Description} failed; retrying in {DelayMs:F0} ms, serving the last known objects meanwhile: {Reason}")]
        public static partial void Retrying(ILogger logger, string description, double delayMs, string reason, Exception? exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "The Kubernetes API refused to {Access} (403 Forbidden): the gateway's service account needs the rule {{ {Rule} }} in {Role}. Retrying quietly until it is granted; /readyz names the refusal meanwhile. The API server said: {Reason}")]
        public static partial void Refused(ILogger logger, string access, string rule, string role, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "The Kubernetes API allows {Access} again")]
        public static partial void Granted(ILogger logger, string access);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Watching {Description} is still refused; retrying in {DelayMs:F0} ms")]
        public static partial void RetryingRefused(ILogger logger, string description, double delayMs);
    }
}
