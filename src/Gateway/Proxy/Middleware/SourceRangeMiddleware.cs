using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Refuses with 403, before auth and limits, the requests of clients outside a route's allowed source ranges or inside
/// its denied ones (ingress-nginx <c>allowlist-source-range</c> / <c>denylist-source-range</c>). The client address is
/// the one the rate limiter keys on, so trusted proxies apply the same way.
/// </summary>
internal sealed partial class SourceRangeMiddleware(RequestDelegate next, ClientIpResolver clientIp, ILogger<SourceRangeMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var behavior = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>();
        if (behavior is null || (behavior.AllowedSources is null && behavior.DeniedSources is null))
        {
            return next(context);
        }

        var client = clientIp.Resolve(context);
        if ((behavior.AllowedSources is not { } allowed || allowed.Contains(client)) && behavior.DeniedSources?.Contains(client) != true)
        {
            return next(context);
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogRefused(logger, behavior.RouteName, AddressRanges.Format(client));
        }

        return ProblemResponse.WriteAsync(context, StatusCodes.Status403Forbidden, "The client address is not allowed on this route.");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Route '{Route}' refused client {Client} by its source ranges")]
    private static partial void LogRefused(ILogger logger, string route, string client);
}
