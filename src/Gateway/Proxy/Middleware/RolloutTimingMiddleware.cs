using Gateway.Proxy.Routing;
using Gateway.Rollout;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Times the first body byte of each answer of a route under rollout (<see cref="FirstByteTimer"/>), so a streamed answer
/// is judged on it (<see cref="RolloutLatency"/>). The telemetry step, which counts the request in the rollout, takes the
/// timer off again. Other routes pass straight through.
/// </summary>
internal sealed class RolloutTimingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.Canary is { Rollout: not null })
        {
            FirstByteTimer.Attach(context);
        }

        return next(context);
    }
}
