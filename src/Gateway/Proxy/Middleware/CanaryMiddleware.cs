using System.Diagnostics;
using Gateway.Canary;
using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// The YARP pipeline step that sends each request of a split route to its variant's cluster. It runs before session
/// affinity and load balancing, which then work on the chosen cluster. Routes with one backend pass straight through.
/// </summary>
internal sealed partial class CanaryMiddleware : IVariantAvailability
{
    private readonly RequestDelegate _next;
    private readonly IProxyStateLookup _proxyState;
    private readonly ILogger<CanaryMiddleware> _logger;
    private readonly string? _variantHeader;

    public CanaryMiddleware(
        RequestDelegate next,
        IProxyStateLookup proxyState,
        IOptions<CanaryOptions> options,
        ILogger<CanaryMiddleware> logger)
    {
        _next = next;
        _proxyState = proxyState;
        _logger = logger;
        var header = options.Value.VariantHeader;
        _variantHeader = string.IsNullOrEmpty(header) ? null : header;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var table = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.Canary;
        if (table is null)
        {
            return _next(context);
        }

        var variant = table.Select(context.Request, Random.Shared, this);
        if (_variantHeader is not null)
        {
            context.Response.Headers[_variantHeader] = variant.HeaderValue;
        }

        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("gateway.variant", variant.Name);
        }

        if (variant.UnresolvedReason is { } reason)
        {
            // Gateway API: the share of traffic for a backend that cannot be resolved gets 500, the rest is served.
            return Refuse(context, table, variant, StatusCodes.Status500InternalServerError, reason);
        }

        if (!string.Equals(context.GetReverseProxyFeature().Cluster.Config.ClusterId, variant.Name, StringComparison.Ordinal))
        {
            if (!_proxyState.TryGetCluster(variant.Name, out var cluster))
            {
                return Refuse(context, table, variant, StatusCodes.Status503ServiceUnavailable, $"backend '{variant.Name}' is not loaded");
            }

            context.ReassignProxyRequest(cluster);
        }

        return _next(context);
    }

    public bool IsAvailable(Variant variant) =>
        _proxyState.TryGetCluster(variant.Name, out var cluster) && cluster.DestinationsState.AvailableDestinations.Count > 0;

    private Task Refuse(HttpContext context, CanaryTable table, Variant variant, int status, string reason)
    {
        LogRefused(_logger, table.RouteName, variant.Name, status, reason);
        return ProblemResponse.WriteAsync(context, status, reason);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Route '{Route}' answered {Status} for variant '{Variant}': {Reason}")]
    private static partial void LogRefused(ILogger logger, string route, string variant, int status, string reason);
}
