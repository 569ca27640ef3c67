using System.Diagnostics;
using Gateway.Inference;
using Gateway.Observability;
using Gateway.Proxy.Routing;
using Gateway.Rollout;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Records every proxied request once it is answered: metrics by route, backend and status class, the route's recent
/// rates for <c>/routes</c>, the outcome of a route under rollout, span attributes, and the access log line when sampled.
/// </summary>
internal sealed class RequestTelemetryMiddleware(RequestDelegate next, GatewayMetrics metrics, AccessLog accessLog, TimeProvider timeProvider)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var logThis = accessLog.ShouldLog();
        UpstreamTiming? upstream = null;
        if (logThis)
        {
            upstream = new UpstreamTiming();
            context.Features.Set(upstream);
        }

        var failed = true;
        try
        {
            await next(context);
            failed = false;
        }
        finally
        {
            var end = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(start, end);
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            var endpoint = context.GetEndpoint();
            var runtime = endpoint?.Metadata.GetMetadata<RouteRuntime>();
            var route = runtime?.RouteName ?? GatewayMetrics.NoRoute;
            var backend = context.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId ?? "";
            metrics.RecordRequest(route, backend, status, elapsed);
            runtime?.Stats?.Record(Environment.TickCount64 / 1000, status >= 500);
            if (runtime?.Canary is { Rollout: { } rollout } canary)
            {
                // The timer comes off whether or not the request counts (RolloutTimingMiddleware put it on).
                var firstByte = FirstByteTimer.Detach(context);

                // A request the client gave up on says nothing about the variant, so it is not counted.
                if (!context.RequestAborted.IsCancellationRequested)
                {
                    var latency = RolloutLatency.Of(context.Response, context.Features.Get<BufferedJsonBody>() is not null, start, firstByte, end);
                    rollout.Record(canary.IsCanary(backend), RequestOutcomes.Of(status, context.Features.Get<IForwarderErrorFeature>()?.Error), latency);
                }
            }

            var activity = Activity.Current;
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("gateway.route", route);
                activity.SetTag("gateway.backend", backend);
            }

            if (logThis)
            {
                var body = context.Features.Get<BufferedJsonBody>();
                TokenUsage? usage = context.Features.Get<ResponseUsage>() is { } observed && observed.TryGetUsage(out var reported) ? reported : null;
                accessLog.Write(new AccessLogEntry(
                    timeProvider.GetUtcNow(),
                    context.Request.Method,
                    context.Request.Path.Value ?? "/",
                    route,
                    backend,
                    status,
                    elapsed,
                    upstream!.Duration == TimeSpan.Zero ? null : upstream.Duration,
                    context.Connection.RemoteIpAddress?.ToString(),
                    activity?.TraceId.ToHexString(),
                    context.Features.Get<Auth.AuthIdentity>()?.Subject,
                    body?.Model,
                    body?.Variant,
                    usage?.PromptTokens,
                    usage?.CompletionTokens));
            }
        }
    }
}
