using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Gateway.Proxy.Routing;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// YARP's forwarder, with one short structured line per failed attempt (route, backend, endpoint, error kind and cause)
/// instead of YARP's own, which carries the whole stack trace (about 1 KB) and is filtered out by
/// <see cref="ForwarderLogFilter"/>. The exception is added only when Debug is on for this category. A failure the
/// client caused (it hung up, or sent a malformed or truncated body) is Information; the backend's, Warning.
/// </summary>
internal sealed partial class FailureLoggingForwarder(IHttpForwarder inner, ILogger<FailureLoggingForwarder> logger) : IHttpForwarder
{
    public ValueTask<ForwarderError> SendAsync(
        HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer) =>
        Observe(inner.SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer), context, destinationPrefix);

    public ValueTask<ForwarderError> SendAsync(
        HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer,
        CancellationToken cancellationToken) =>
        Observe(inner.SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, cancellationToken), context, destinationPrefix);

    private ValueTask<ForwarderError> Observe(ValueTask<ForwarderError> sending, HttpContext context, string destinationPrefix)
    {
        if (!sending.IsCompletedSuccessfully)
        {
            return ObserveAsync(sending, context, destinationPrefix);
        }

        var error = sending.Result;
        Report(error, context, destinationPrefix);
        return new ValueTask<ForwarderError>(error);
    }

    // Pooled: a forward almost always completes asynchronously, and the hot path should not allocate a box for it.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ForwarderError> ObserveAsync(ValueTask<ForwarderError> sending, HttpContext context, string destinationPrefix)
    {
        var error = await sending;
        Report(error, context, destinationPrefix);
        return error;
    }

    private void Report(ForwarderError error, HttpContext context, string destinationPrefix)
    {
        if (error == ForwarderError.None)
        {
            return;
        }

        var level = CausedByClient(error) ? LogLevel.Information : LogLevel.Warning;
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.RouteName ?? "";
        var backend = context.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId ?? "";
        LogFailed(logger, level, route, backend, destinationPrefix, error, Cause(exception), logger.IsEnabled(LogLevel.Debug) ? exception : null);
    }

    private static bool CausedByClient(ForwarderError error) =>
        error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestCanceled
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient;

    /// <summary>The most telling short name of what went wrong: a socket error, the client library's error kind, or the exception type.</summary>
    private static string Cause(Exception? exception)
    {
        if (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode.ToString();
            }
        }

        return exception switch
        {
            null => "no exception",
            HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http => http.HttpRequestError.ToString(),
            HttpIOException io => io.HttpRequestError.ToString(),
            _ => exception.GetType().Name,
        };
    }

    [LoggerMessage(Message = "Route '{Route}', backend '{Backend}', endpoint '{Endpoint}': {Error} ({Cause})")]
    private static partial void LogFailed(ILogger logger, LogLevel level, string route, string backend, string endpoint, ForwarderError error, string cause, Exception? exception);
}
