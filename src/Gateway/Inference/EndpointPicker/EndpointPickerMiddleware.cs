using System.Buffers;
using System.Diagnostics;
using Gateway.Inference.EndpointPicker.Protocol;
using Gateway.Primitives;
using Gateway.Resilience;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.Inference.EndpointPicker;

/// <summary>
/// The YARP pipeline step of InferencePool backends: asks the pool's endpoint picker which endpoint serves the request,
/// applies the picker's header and body changes, and narrows the destinations to the endpoint picked. A pick that is not
/// an endpoint of the pool is refused. When the picker fails, failureMode FailOpen leaves the choice to the gateway's own
/// balancing and FailClose answers 503. Other backends pass with one dictionary lookup.
/// </summary>
internal sealed partial class EndpointPickerMiddleware(
    RequestDelegate next,
    ClusterRuntimeTable clusters,
    EndpointPickerClient client,
    EndpointPickerMetrics metrics,
    IOptions<EndpointPickerOptions> options,
    ILogger<EndpointPickerMiddleware> logger)
{
    private readonly int _maxBodySize = options.Value.MaxBodySize;

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GetReverseProxyFeature();
        if (clusters.Find(feature.Cluster.Config.ClusterId).EndpointPicker is not { } picker || feature.AvailableDestinations.Count == 0)
        {
            // No picker, or no ready endpoint: the backend answers as any backend without endpoints does.
            return next(context);
        }

        return PickAsync(context, feature, picker);
    }

    private async Task PickAsync(HttpContext context, IReverseProxyFeature feature, Model.EndpointPicker picker)
    {
        var body = await ReadBodyAsync(context.Request);
        if (body is null)
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {_maxBodySize} bytes the endpoint picker of InferencePool '{picker.Pool}' is sent.");
            return;
        }

        var candidates = new ListValue();
        foreach (var destination in feature.AvailableDestinations)
        {
            candidates.Values.Add(Value.ForString(HostPort(destination.Model.Config.Address).ToString()));
        }

        var started = Stopwatch.GetTimestamp();
        var answer = await client.PickAsync(picker, context.Request, body.Value, candidates, context.RequestAborted);
        metrics.Duration(picker.Pool, Stopwatch.GetElapsedTime(started));
        if (answer.Immediate is { } immediate)
        {
            metrics.Picked(picker.Pool, "answered");
            await WriteImmediateAsync(context, immediate);
            return;
        }

        var failure = answer.Failure;
        if (failure is null)
        {
            if (Find(feature.AvailableDestinations, answer.Endpoints!) is { } picked)
            {
                metrics.Picked(picker.Pool, "picked");
                Apply(context.Request, answer);
                feature.AvailableDestinations = picked;
                await next(context);
                return;
            }

            failure = "endpoint_not_in_pool";
            LogNotInPool(logger, picker.Pool, answer.Endpoints!);
        }

        metrics.Failed(picker.Pool, failure, picker.FailOpen);
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (picker.FailOpen)
        {
            LogFailOpen(logger, picker.Pool, failure);
            await next(context);
            return;
        }

        LogFailClose(logger, picker.Pool, failure);
        await ProblemResponse.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"The endpoint picker of InferencePool '{picker.Pool}' failed ({failure}); the pool's failureMode is FailClose.");
    }

    /// <summary>
    /// The whole body, kept readable for the forward; empty when there is none; null when it is too large to hold. A body
    /// that is seekable already (the model step read it whole) is copied once and rewound, not buffered again.
    /// </summary>
    private async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (request.ContentLength > _maxBodySize)
        {
            return null;
        }

        if (request.Body is { CanSeek: true } seekable)
        {
            var start = seekable.Position;
            if (seekable.Length - start > _maxBodySize)
            {
                return null;
            }

            var whole = new byte[seekable.Length - start];
            await seekable.ReadExactlyAsync(whole, request.HttpContext.RequestAborted);
            seekable.Position = start;
            return whole;
        }

        request.EnableBuffering(_maxBodySize);
        using var copy = new MemoryStream((int)(request.ContentLength ?? 0));
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                if (copy.Length + read > _maxBodySize)
                {
                    return null;
                }

                copy.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        request.Body.Position = 0;
        return copy.GetBuffer().AsMemory(0, (int)copy.Length);
    }

    /// <summary>The first endpoint of the pick that is a destination of the pool; null when none is.</summary>
    private static DestinationState? Find(IReadOnlyList<DestinationState> destinations, string endpoints)
    {
        foreach (var range in endpoints.AsSpan().Split(','))
        {
            var endpoint = endpoints.AsSpan()[range].Trim();
            foreach (var destination in destinations)
            {
                if (endpoint.Length > 0 && HostPort(destination.Model.Config.Address).SequenceEqual(endpoint))
                {
                    return destination;
                }
            }
        }

        return null;
    }

    /// <summary><c>ip:port</c> of a destination address such as <c>http://10.0.0.7:8000</c>.</summary>
    private static ReadOnlySpan<char> HostPort(string address)
    {
        var span = address.AsSpan();
        var scheme = span.IndexOf("://", StringComparison.Ordinal);
        return (scheme < 0 ? span : span[(scheme + 3)..]).TrimEnd('/');
    }

    private static void Apply(HttpRequest request, PickerAnswer answer)
    {
        foreach (var mutation in answer.HeaderMutations)
        {
            foreach (var option in mutation.SetHeaders)
            {
                if (option.Header is { Key.Length: > 0 } header && header.Key[0] != ':' && !string.Equals(header.Key, "host", StringComparison.OrdinalIgnoreCase))
                {
                    var value = EndpointPickerClient.ValueOf(header);
                    request.Headers[header.Key] = option.AppendAction == HeaderValueOption.Types.HeaderAppendAction.AppendIfExistsOrAdd && option.Append is true
                        ? Microsoft.Extensions.Primitives.StringValues.Concat(request.Headers[header.Key], value)
                        : value;
                }
            }

            foreach (var name in mutation.RemoveHeaders)
            {
                if (name.Length > 0 && name[0] != ':' && !string.Equals(name, "host", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Remove(name);
                }
            }
        }

        if (answer.Body is { } body)
        {
            request.Body = body;
            request.ContentLength = body.Length;
            request.Headers.TransferEncoding = default;
        }
    }

    private static Task WriteImmediateAsync(HttpContext context, ImmediateResponse immediate)
    {
        var response = context.Response;
        response.StatusCode = immediate.Status?.Code is >= 200 and <= 599 and var code ? code : StatusCodes.Status503ServiceUnavailable;
        foreach (var option in immediate.Headers?.SetHeaders ?? [])
        {
            if (option.Header is { Key.Length: > 0 } header && header.Key[0] != ':')
            {
                response.Headers[header.Key] = EndpointPickerClient.ValueOf(header);
            }
        }

        response.ContentLength = immediate.Body.Length;
        return immediate.Body.IsEmpty ? Task.CompletedTask : response.Body.WriteAsync(immediate.Body.Memory, context.RequestAborted).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The endpoint picker of InferencePool '{Pool}' picked '{Endpoints}', which is not a ready endpoint of the pool; the pick is refused")]
    private static partial void LogNotInPool(ILogger logger, string pool, string endpoints);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The endpoint picker of InferencePool '{Pool}' failed ({Reason}); the gateway picks the endpoint (failureMode FailOpen)")]
    private static partial void LogFailOpen(ILogger logger, string pool, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The endpoint picker of InferencePool '{Pool}' failed ({Reason}); the request gets 503 (failureMode FailClose)")]
    private static partial void LogFailClose(ILogger logger, string pool, string reason);
}
