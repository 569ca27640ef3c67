using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// The YARP pipeline step that retries on another endpoint. It sits before load balancing, so each attempt re-runs the
/// backend's load-balancing policy over the endpoints not tried yet. A request is retried only when the route allows its
/// method, nothing has reached the client, no byte of its body has been read, and the attempt failed to connect (or lost
/// the connection before the response headers), answered a status the route retries, or did not start its response
/// within the route's per-try timeout. Without a route retry that applies, a request whose connection attempt failed is
/// sent once more to another endpoint, whatever its method: nothing of it was sent (see <see cref="ConnectFailure"/>).
/// </summary>
internal sealed partial class RetryMiddleware(RequestDelegate next, ClusterRuntimeTable clusters, ResilienceMetrics metrics, ILogger<RetryMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var behavior = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>();
        if (behavior?.Retry is { } retry && retry.Attempts >= 2 && retry.AllowsMethod(context.Request.Method))
        {
            return InvokeWithRetriesAsync(context, retry, behavior.RouteName);
        }

        var proxy = context.GetReverseProxyFeature();
        if (proxy.AvailableDestinations.Count < 2 || !clusters.Find(proxy.Cluster.Config.ClusterId).ConnectRetry)
        {
            return next(context);
        }

        return InvokeWithConnectRetryAsync(context, proxy, behavior?.RouteName ?? "");
    }

    /// <summary>
    /// Whether the attempt failed to connect is known only once it returned, so a backend with two endpoints or more costs
    /// this await (its state machine) on every request; the body is never wrapped, as a failed connect has not read it.
    /// </summary>
    private async Task InvokeWithConnectRetryAsync(HttpContext context, IReverseProxyFeature proxy, string route)
    {
        var candidates = proxy.AvailableDestinations;
        var earlyHeaders = AttemptReset.Capture(context.Response.Headers);
        await next(context);
        if (context.Response.HasStarted || !ConnectFailure.Is(context) || proxy.ProxiedDestination is not { } failed)
        {
            return;
        }

        var remaining = new List<DestinationState>(candidates.Count - 1);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates[i] != failed)
            {
                remaining.Add(candidates[i]);
            }
        }

        if (remaining.Count == 0)
        {
            return;
        }

        AttemptReset.Prepare(context, proxy, earlyHeaders, remaining);
        metrics.Retry(route, "connect");
        LogRetry(logger, route, failed.DestinationId, "connect", 2);
        await next(context);
    }

    private async Task InvokeWithRetriesAsync(HttpContext context, RetryBehavior retry, string route)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        var state = new RetryState(retry);
        context.Features.Set(state);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            state.Body = new ReadTrackingStream(context.Request.Body);
            context.Request.Body = state.Body;
        }

        // Headers set before forwarding (e.g. the canary variant) survive the reset between attempts.
        var earlyHeaders = AttemptReset.Capture(context.Response.Headers);
        List<DestinationState>? tried = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                state.CanRetry = attempt < retry.Attempts && candidates.Count - (tried?.Count ?? 0) > 1;
                state.Withheld = false;
                var timedOut = retry.PerTryTimeout is { } perTry ? await InvokeAttemptAsync(context, perTry) : await InvokeUnboundedAsync(context);
                var reason = timedOut ? (state.CanRetry && !state.BodyStarted ? "timeout" : null) : RetryReason(context, state);
                if (reason is null || proxy.ProxiedDestination is not { } failed)
                {
                    if (timedOut)
                    {
                        await ProblemResponse.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "The backend did not answer in time.");
                    }

                    return;
                }

                tried ??= [];
                tried.Add(failed);
                var remaining = Without(candidates, tried);
                if (remaining.Count == 0)
                {
                    return;
                }

                metrics.Retry(route, reason);
                LogRetry(logger, route, failed.DestinationId, reason, attempt + 1);
                AttemptReset.Prepare(context, proxy, earlyHeaders, remaining);
            }
        }
        finally
        {
            if (state.Body is { } body)
            {
                context.Request.Body = body.Inner;
            }
        }
    }

    private async Task<bool> InvokeUnboundedAsync(HttpContext context)
    {
        await next(context);
        return false;
    }

    /// <summary>One attempt bounded by the per-try timeout until its response starts. True when the timeout abandoned it.</summary>
    private async Task<bool> InvokeAttemptAsync(HttpContext context, TimeSpan perTry)
    {
        var clientAborted = context.RequestAborted;
        using var source = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        var deadline = new ResponseStartDeadline(source, null);
        context.Response.OnStarting(ResponseStartDeadline.OnResponseStarting, deadline);
        source.CancelAfter(perTry);
        context.RequestAborted = source.Token;
        try
        {
            await next(context);
        }
        finally
        {
            context.RequestAborted = clientAborted;
            deadline.Complete();
        }

        return source.IsCancellationRequested && !clientAborted.IsCancellationRequested && !context.Response.HasStarted;
    }

    private static string? RetryReason(HttpContext context, RetryState state)
    {
        if (context.Response.HasStarted || !state.CanRetry || state.BodyStarted)
        {
            return null;
        }

        if (state.Withheld)
        {
            return "status";
        }

        // ForwarderError.Request: the connection failed or broke before the response headers arrived.
        return context.Features.Get<IForwarderErrorFeature>() is { Error: ForwarderError.Request } ? "connect" : null;
    }

    private static List<DestinationState> Without(IReadOnlyList<DestinationState> candidates, List<DestinationState> tried)
    {
        var remaining = new List<DestinationState>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!tried.Contains(candidates[i]))
            {
                remaining.Add(candidates[i]);
            }
        }

        return remaining;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Route '{Route}': endpoint '{Destination}' failed ({Reason}); attempt {Attempt} goes to another endpoint")]
    private static partial void LogRetry(ILogger logger, string route, string destination, string reason, int attempt);
}
