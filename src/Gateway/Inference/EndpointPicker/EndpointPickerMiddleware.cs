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
/// applies the picker's header and body changes, and narrows the destinations to the endpoint picked; of a list, the next
/// one serves when the connection to the one before fails. An endpoint of the pick that is not one of the pool's is
/// refused. The picker then follows the response (<see cref="PickerExchange"/>). When the picker fails, failureMode
/// FailOpen leaves the choice to the gateway's own balancing and FailClose answers 503. Other backends pass with one
/// dictionary lookup.
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
            if (InPool(feature.AvailableDestinations, answer.Endpoints!, picker.Pool) is { } picked)
            {
                metrics.Picked(picker.Pool, "picked");
                Apply(context.Request, answer);
                await ForwardAsync(context, feature, picker.Pool, picked, answer.Exchange);
                return;
            }

            answer.Exchange?.Dispose();
            failure = "endpoint_not_in_pool";
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

    /// <summary>
    /// Forwards to the picked endpoints in order: when the connection to one fails before anything was sent, the next
    /// one is tried. The picker, when it follows the response, sees the response of the endpoint that served.
    /// </summary>
    private async Task ForwardAsync(HttpContext context, IReverseProxyFeature feature, string pool, IReadOnlyList<DestinationState> picked, PickerExchange? exchange)
    {
        var body = context.Response.Body;
        exchange?.Attach(context, feature);
        try
        {
            var earlyHeaders = picked.Count > 1 ? AttemptReset.Capture(context.Response.Headers) : null;
            feature.AvailableDestinations = picked[0];
            for (var i = 1; ; i++)
            {
                await next(context);
                if (i == picked.Count || context.Response.HasStarted || !ConnectFailure.Is(context))
                {
                    return;
                }

                metrics.Fallback(pool);
                LogFallback(logger, pool, HostPort(picked[i - 1].Model.Config.Address).ToString(), HostPort(picked[i].Model.Config.Address).ToString());
                AttemptReset.Prepare(context, feature, earlyHeaders, picked[i]);
            }
        }
        finally
        {
            if (exchange is not null)
            {
                context.Response.Body = body;
            }
        }
    }

    /// <summary>
    /// The endpoints of the pick that are destinations of the pool, in the pick's order (the destination itself when there
    /// is one, allocating nothing); null when none is. Each endpoint outside the pool is refused and logged.
    /// </summary>
    private IReadOnlyList<DestinationState>? InPool(IReadOnlyList<DestinationState> destinations, string endpoints, string pool)
    {
        DestinationState? first = null;
        List<DestinationState>? all = null;
        foreach (var range in endpoints.AsSpan().Split(','))
        {
            var endpoint = endpoints.AsSpan()[range].Trim();
            if (endpoint.IsEmpty)
            {
                continue;
            }

            if (Find(destinations, endpoint) is not { } destination)
            {
                LogNotInPool(logger, pool, endpoint.ToString());
            }
            else if (first is null)
            {
                first = destination;
            }
            else if (destination != first && all?.Contains(destination) != true)
            {
                all ??= [first];
                all.Add(destination);
            }
        }

        return all ?? (IReadOnlyList<DestinationState>?)first;
    }

    private static DestinationState? Find(IReadOnlyList<DestinationState> destinations, ReadOnlySpan<char> endpoint)
    {
        foreach (var destination in destinations)
        {
            if (HostPort(destination.Model.Config.Address).SequenceEqual(endpoint))
            {
                return destination;
            }
        }

        return null;
    }

    /// <summary><c>ip:port</c> of a destination address such as <c>http://10.0.0.7:8000</c>.</summary>
    public static ReadOnlySpan<char> HostPort(string address)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The endpoint picker of InferencePool '{Pool}' picked '{Endpoint}', which is not a ready endpoint of the pool; that endpoint is refused")]
    private static partial void LogNotInPool(ILogger logger, string pool, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "InferencePool '{Pool}': the connection to picked endpoint '{Failed}' failed; the request goes to the picker's next endpoint '{Next}'")]
    private static partial void LogFallback(ILogger logger, string pool, string failed, string next);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The endpoint picker of InferencePool '{Pool}' failed ({Reason}); the gateway picks the endpoint (failureMode FailOpen)")]
    private static partial void LogFailOpen(ILogger logger, string pool, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The endpoint picker of InferencePool '{Pool}' failed ({Reason}); the request gets 503 (failureMode FailClose)")]
    private static partial void LogFailClose(ILogger logger, string pool, string reason);
}
