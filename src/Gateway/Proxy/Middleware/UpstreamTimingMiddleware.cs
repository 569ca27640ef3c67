using System.Diagnostics;
using Gateway.Observability;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Gateway.Proxy.Middleware;

/// <summary>Last step of the proxy pipeline: times the forward itself, the part of a request's life the backend owns.</summary>
internal sealed class UpstreamTimingMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        var timing = context.Features.Get<UpstreamTiming>();

        // Timing needs an await; skip it (and its state machine) while neither the metric nor the access log listens.
        return timing is null && !metrics.UpstreamEnabled ? next(context) : InvokeMeasuredAsync(context, timing);
    }

    private async Task InvokeMeasuredAsync(HttpContext context, UpstreamTiming? timing)
    {
        var start = Stopwatch.GetTimestamp();
        await next(context);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.RouteName ?? GatewayMetrics.NoRoute;
        var backend = context.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId ?? "";
        metrics.RecordUpstream(route, backend, elapsed);
        if (timing is not null)
        {
            timing.Duration = elapsed;
        }
    }
}
