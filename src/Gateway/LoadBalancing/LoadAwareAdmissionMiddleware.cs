using Gateway.Model;
using Gateway.Primitives;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;

namespace Gateway.LoadBalancing;

/// <summary>
/// The YARP pipeline step that holds requests of a load-aware backend at the gateway while every endpoint is saturated:
/// Sheddable requests get 429 at once, the others wait in a bounded queue (Critical first and longest) and get 503 when
/// it is full or their wait runs out; both with Retry-After. A request that was not held costs one volatile read and a
/// scan of the endpoints' readings.
/// </summary>
internal sealed partial class LoadAwareAdmissionMiddleware(
    RequestDelegate next,
    ClusterRuntimeTable clusters,
    EndpointLoadTable loads,
    AdmissionQueueTable queues,
    IProxyStateLookup proxyState,
    LoadBalancingMetrics metrics,
    TimeProvider time,
    ILogger<LoadAwareAdmissionMiddleware> logger)
{
    /// <summary>Seconds a refused client is asked to wait: readings refresh about every second.</summary>
    private const string RetryAfterSeconds = "1";

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GetReverseProxyFeature();
        var clusterId = feature.Cluster.Config.ClusterId;
        if (clusters.Find(clusterId).LoadAware is not { } settings)
        {
            return next(context);
        }

        var queue = queues.Get(clusterId);
        if (queue.Count == 0 && !LoadScore.AllSaturated(feature.AvailableDestinations, loads, settings, time))
        {
            return ForwardAsync(context, clusterId, settings);
        }

        var criticality = CriticalityHeader.Read(context.Request.Headers[settings.CriticalityHeader]);
        if (criticality == Criticality.Sheddable)
        {
            metrics.Shed(clusterId, criticality, "saturated");
            LogShed(logger, clusterId);
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            return ProblemResponse.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Every model server of the backend is saturated; sheddable requests are refused. Retry shortly.");
        }

        return WaitAsync(context, clusterId, settings, queue, criticality);
    }

    private async Task WaitAsync(HttpContext context, string clusterId, LoadAwareSettings settings, AdmissionQueue queue, Criticality criticality)
    {
        metrics.Queued(clusterId, criticality);
        var maxWait = criticality == Criticality.Critical ? settings.CriticalMaxQueueWait : settings.MaxQueueWait;
        var outcome = await queue.WaitAsync(criticality, settings.MaxQueued, maxWait, context.RequestAborted);
        switch (outcome)
        {
            case AdmissionOutcome.Admitted:
                await ForwardAsync(context, clusterId, settings);
                return;
            case AdmissionOutcome.Abandoned:
                // The client is gone; nothing to answer. Its place was freed.
                metrics.Shed(clusterId, criticality, "abandoned");
                return;
            default:
                var reason = outcome switch
                {
                    AdmissionOutcome.Full => "queue_full",
                    AdmissionOutcome.Displaced => "displaced",
                    _ => "wait_exceeded",
                };
                metrics.Shed(clusterId, criticality, reason);
                LogRefused(logger, clusterId, criticality, reason);
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                await ProblemResponse.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Every model server of the backend is saturated and the gateway queue could not hold the request. Retry shortly.");
                return;
        }
    }

    private async Task ForwardAsync(HttpContext context, string clusterId, LoadAwareSettings settings)
    {
        try
        {
            await next(context);
        }
        finally
        {
            // The finished request freed room on its endpoint: let one waiting request in.
            if (queues.Count(clusterId) > 0 && proxyState.TryGetCluster(clusterId, out var cluster))
            {
                queues.Pump(cluster, settings, 1);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backend '{Backend}' is saturated; a sheddable request got 429")]
    private static partial void LogShed(ILogger logger, string backend);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backend '{Backend}' is saturated; a {Criticality} request got 503 ({Reason})")]
    private static partial void LogRefused(ILogger logger, string backend, Criticality criticality, string reason);
}
