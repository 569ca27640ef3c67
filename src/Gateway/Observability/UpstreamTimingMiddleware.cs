using System.Diagnostics;
using Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Gateway.Observability;

/// <summary>Last step of the proxy pipeline: times the forward itself, the part of a request's life the backend owns.</summary>
internal sealed class UpstreamTimingMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        await next(context);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteBehavior>()?.RouteName ?? GatewayMetrics.NoRoute;
        var backend = context.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId ?? "";
        metrics.RecordUpstream(route, backend, elapsed);
        if (context.Features.Get<UpstreamTiming>() is { } timing)
        {
            timing.Duration = elapsed;
        }
    }
}
