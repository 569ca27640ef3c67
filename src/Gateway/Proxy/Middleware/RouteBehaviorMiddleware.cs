using System.Text;
using Gateway.Model;
using Gateway.Primitives;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Runs between routing and YARP: answers redirects and routes that cannot forward, bounds the request body (413) and
/// how long a route's backend may take (504). Routes with nothing to do pass straight through.
/// </summary>
internal sealed partial class RouteBehaviorMiddleware(RequestDelegate next, TimeProvider timeProvider, ILogger<RouteBehaviorMiddleware> logger)
{
    // What Envoy's fault filter answers, so clients written against Istio see the same body.
    private static readonly byte[] FaultAbortBody = "fault filter abort"u8.ToArray();

    public Task InvokeAsync(HttpContext context)
    {
        var behavior = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>();
        if (behavior is null || !behavior.HasAction)
        {
            return next(context);
        }

        if (behavior.Redirect is { } redirect)
        {
            context.Response.StatusCode = redirect.StatusCode;
            context.Response.Headers.Location = RedirectLocation(context.Request, redirect, behavior.PathPrefix);
            return Task.CompletedTask;
        }

        if (behavior.FixedStatus is { } status)
        {
            LogFixedStatus(logger, behavior.RouteName, status, behavior.FixedStatusReason);
            return ProblemResponse.WriteAsync(context, status, behavior.FixedStatusReason);
        }

        if (behavior.DirectResponse is { } direct)
        {
            return WriteDirectResponseAsync(context, direct.StatusCode, behavior.DirectResponseBody);
        }

        if (behavior.Fault is { } fault)
        {
            return InjectFaultAsync(context, behavior, fault);
        }

        return ForwardAsync(context, behavior);
    }

    private Task ForwardAsync(HttpContext context, RouteRuntime behavior)
    {
        if (behavior.MaxRequestBodySize is { } maxBody && !LimitBody(context, maxBody))
        {
            return ProblemResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than this route's limit of {maxBody} bytes.");
        }

        return behavior.Timeout is null && behavior.ResponseHeadersTimeout is null ? next(context) : InvokeWithTimeoutAsync(context, behavior);
    }

    /// <summary>
    /// Istio's fault filter: the delay comes before forwarding and is not counted in the route's timeout; an aborted
    /// request never reaches the backend. Both draws are independent.
    /// </summary>
    private async Task InjectFaultAsync(HttpContext context, RouteRuntime behavior, FaultBehavior fault)
    {
        if (fault.DrawDelay(Random.Shared))
        {
            await Task.Delay(fault.Delay!.Value, timeProvider, context.RequestAborted);
        }

        if (fault.DrawAbort(Random.Shared))
        {
            LogFaultAbort(logger, behavior.RouteName, fault.AbortStatus!.Value);
            await WriteDirectResponseAsync(context, fault.AbortStatus.Value, FaultAbortBody);
            return;
        }

        await ForwardAsync(context, behavior);
    }

    private static Task WriteDirectResponseAsync(HttpContext context, int status, byte[]? body)
    {
        context.Response.StatusCode = status;
        if (body is null)
        {
            return Task.CompletedTask;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
    }

    /// <summary>
    /// Refuses a declared Content-Length over the limit before anything is forwarded, and makes Kestrel stop a chunked
    /// body at the limit. False when the request must be refused.
    /// </summary>
    private static bool LimitBody(HttpContext context, long maxBody)
    {
        if (context.Request.ContentLength > maxBody)
        {
            return false;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBody;
        }

        return true;
    }

    private async Task InvokeWithTimeoutAsync(HttpContext context, RouteRuntime behavior)
    {
        var clientAborted = context.RequestAborted;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        ResponseStartDeadline? deadline = null;
        if (behavior.ResponseHeadersTimeout is { } headersTimeout)
        {
            // Until the response starts, the shorter deadline; then what is left of the whole-request one, if any.
            deadline = new ResponseStartDeadline(timeoutSource, behavior.Timeout);
            context.Response.OnStarting(ResponseStartDeadline.OnResponseStarting, deadline);
            timeoutSource.CancelAfter(headersTimeout);
        }
        else
        {
            timeoutSource.CancelAfter(behavior.Timeout!.Value);
        }

        context.RequestAborted = timeoutSource.Token;
        try
        {
            await next(context);
        }
        finally
        {
            context.RequestAborted = clientAborted;
            deadline?.Complete();
        }

        // YARP reports a cancelled forward as the client's doing; when our clock cancelled it, the backend was too slow.
        if (timeoutSource.IsCancellationRequested && !clientAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "The backend did not answer in time.");
        }
    }

    private static string RedirectLocation(HttpRequest request, RequestRedirect redirect, string matchedPrefix)
    {
        var scheme = redirect.Scheme ?? request.Scheme;
        var host = redirect.Hostname ?? request.Host.Host;
        var port = redirect.Port;
        if (port is null && redirect.Scheme is null)
        {
            port = request.Host.Port;
        }

        var path = request.Path.Value ?? "/";
        path = redirect.Path switch
        {
            { Type: PathRewriteType.ReplaceFullPath } full => full.Value,
            { Type: PathRewriteType.ReplacePrefixMatch } prefix => PrefixRewriter.Replace(path, matchedPrefix, prefix.Value),
            _ => path,
        };

        var location = new StringBuilder().Append(scheme).Append("://").Append(host);
        var isDefaultPort = port is null
            || (port == 80 && scheme == "http")
            || (port == 443 && scheme == "https");
        if (!isDefaultPort)
        {
            location.Append(':').Append(port);
        }

        return location.Append(path).Append(request.QueryString.Value).ToString();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Route '{Route}' aborted a request with {Status} (fault injection)")]
    private static partial void LogFaultAbort(ILogger logger, string route, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Route '{Route}' answered {Status}: {Reason}")]
    private static partial void LogFixedStatus(ILogger logger, string route, int status, string reason);
}
