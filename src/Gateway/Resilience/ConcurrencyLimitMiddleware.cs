using System.Collections.Concurrent;
using Gateway.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Resilience;

/// <summary>
/// The YARP pipeline step that bounds requests in flight per backend (e.g. to what a GPU can batch): beyond the
/// backend's MaxConcurrentRequests the client gets 503 with Retry-After at once instead of queueing. It runs after the
/// canary step, so the limit is that of the variant actually served.
/// </summary>
internal sealed partial class ConcurrencyLimitMiddleware(RequestDelegate next, ClusterRuntimeTable clusters, ResilienceMetrics metrics, ILogger<ConcurrencyLimitMiddleware> logger)
{
    private readonly ConcurrentDictionary<string, ConcurrencyGate> _gates = new(StringComparer.Ordinal);

    public Task InvokeAsync(HttpContext context)
    {
        var cluster = context.GetReverseProxyFeature().Cluster;
        if (clusters.Find(cluster.Config.ClusterId).MaxConcurrentRequests is not { } limit)
        {
            return next(context);
        }

        var gate = _gates.GetOrAdd(cluster.Config.ClusterId, static _ => new ConcurrencyGate());

        if (!gate.TryEnter(limit))
        {
            metrics.ConcurrencyRejected(cluster.Config.ClusterId);
            LogRejected(logger, cluster.Config.ClusterId, limit);
            context.Response.Headers.RetryAfter = "1";
            return ProblemResponse.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The backend is at its concurrency limit; retry shortly.");
        }

        return InvokeAndExitAsync(context, gate);
    }

    private async Task InvokeAndExitAsync(HttpContext context, ConcurrencyGate gate)
    {
        try
        {
            await next(context);
        }
        finally
        {
            gate.Exit();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backend '{Backend}' has {Limit} requests in flight; answered 503")]
    private static partial void LogRejected(ILogger logger, string backend, int limit);
}
