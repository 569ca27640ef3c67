using System.Runtime.CompilerServices;
using Gateway.Inference.EndpointPicker.Protocol;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Model;

namespace Gateway.Inference.EndpointPicker;

/// <summary>
/// The external-processing stream of one request after its pick, kept open for the response phase: the response headers
/// go to the picker with the endpoint that served (<c>envoy.lb</c> / <c>x-gateway-destination-endpoint-served</c>) and its
/// header changes are applied before the client gets them; then each body chunk, as it is written to the client, and an
/// empty last chunk with end_of_stream. Body chunks are sent in observability mode: the client's bytes never wait for
/// the picker, and what it answers to them is read and dropped. The last message, the close and the wait for the
/// picker's end run after the client has its response. A picker that fails here is logged and counted, and the response
/// goes on without it. Phases the picker's mode override (in its answer to the request headers) skips are not sent.
/// </summary>
internal sealed partial class PickerExchange : IDisposable
{
    private readonly string _pool;
    private readonly PickerChannel _channel;
    private readonly AsyncDuplexStreamingCall<ProcessingRequest, ProcessingResponse> _call;
    private readonly CancellationTokenSource _lifetime;
    private readonly TimeSpan _timeout;
    private readonly EndpointPickerMetrics _metrics;
    private readonly ILogger _logger;
    private HttpContext? _context;
    private IReverseProxyFeature? _proxy;
    private Protocol.Metadata? _served;
    private bool _sendHeaders = true;
    private bool _sendBody = true;
    private bool _bodyStarted;
    private bool _started;
    private bool _endSent;
    private volatile bool _stopped;
    private int _failed;
    private Task? _drain;
    private int _disposed;

    public PickerExchange(
        string pool,
        PickerChannel channel,
        AsyncDuplexStreamingCall<ProcessingRequest, ProcessingResponse> call,
        CancellationTokenSource lifetime,
        TimeSpan timeout,
        EndpointPickerMetrics metrics,
        ILogger logger)
    {
        _pool = pool;
        _channel = channel;
        _call = call;
        _lifetime = lifetime;
        _timeout = timeout;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Takes the picker's mode override; false when it wants no phase of the response (the exchange can end now).</summary>
    public bool Follows(ProcessingMode? mode)
    {
        if (mode is not null)
        {
            _sendHeaders = mode.ResponseHeaderMode != ProcessingMode.Types.HeaderSendMode.Skip;
            _sendBody = mode.ResponseBodyMode != ProcessingMode.Types.BodySendMode.None;
        }

        return _sendHeaders || _sendBody;
    }

    /// <summary>Hooks the response of the request: its start (headers), its body writes and its completion.</summary>
    public void Attach(HttpContext context, IReverseProxyFeature proxy)
    {
        _context = context;
        _proxy = proxy;
        context.Response.OnStarting(static state => ((PickerExchange)state).ResponseStartingAsync(), this);
        context.Response.OnCompleted(static state => ((PickerExchange)state).ResponseCompleted(), this);

        // Installed even when the body is not sent: whether the response has a body is known from its writes.
        context.Response.Body = new PickerResponseStream(context.Response.Body, this);
    }

    /// <summary>Called by the body stream before a write or flush reaches the client: the response has a body.</summary>
    public void MarkBody() => _bodyStarted = true;

    /// <summary>Sends a chunk the client was just sent; never throws.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendBodyAsync(ReadOnlyMemory<byte> chunk)
    {
        if (!_sendBody || _stopped || chunk.IsEmpty)
        {
            return;
        }

        try
        {
            _lifetime.CancelAfter(_timeout);
            await _call.RequestStream.WriteAsync(BodyMessage(ByteString.CopyFrom(chunk.Span), endOfStream: false));
            _lifetime.CancelAfter(Timeout.InfiniteTimeSpan);
            _drain ??= DrainAsync();
        }
        catch (Exception ex) when (IsPickerFailure(ex))
        {
            Fail("response_body", ex);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _call.Dispose();
            _lifetime.Dispose();
            _channel.Release();
        }
    }

    /// <summary><c>ip:port</c> of the endpoint that served, in the metadata the protocol names; null when no endpoint was tried.</summary>
    private Protocol.Metadata? Served()
    {
        if (_proxy?.ProxiedDestination is not { } destination)
        {
            return null;
        }

        var lb = new Struct();
        lb.Fields[PickerMetadata.ServedKey] = Value.ForString(EndpointPickerMiddleware.HostPort(destination.Model.Config.Address).ToString());
        var metadata = new Protocol.Metadata();
        metadata.FilterMetadata[PickerMetadata.PickNamespace] = lb;
        return metadata;
    }

    private async Task ResponseStartingAsync()
    {
        _started = true;
        _served = Served();
        var response = _context!.Response;
        if (!_sendHeaders || _stopped)
        {
            return;
        }

        // No write or flush started the response: it has no body, and this is the last message.
        _endSent = !_bodyStarted;
        var map = new HeaderMap();
        EndpointPickerClient.Add(map, ":status", response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, values) in response.Headers)
        {
            EndpointPickerClient.Add(map, name.ToLowerInvariant(), values.ToString());
        }

        try
        {
            _lifetime.CancelAfter(_timeout);
            await _call.RequestStream.WriteAsync(new ProcessingRequest
            {
                ResponseHeaders = new HttpHeaders { Headers = map, EndOfStream = _endSent },
                MetadataContext = TakeServed(),
            });
            while (await _call.ResponseStream.MoveNext(CancellationToken.None))
            {
                if (_call.ResponseStream.Current.ResponseCase == ProcessingResponse.ResponseOneofCase.ResponseHeaders)
                {
                    if (_call.ResponseStream.Current.ResponseHeaders.Response?.HeaderMutation is { } mutation)
                    {
                        Apply(response.Headers, mutation);
                    }

                    _lifetime.CancelAfter(Timeout.InfiniteTimeSpan);
                    return;
                }
            }

            // The picker closed the stream: it wants nothing more of this request.
            _stopped = true;
        }
        catch (Exception ex) when (IsPickerFailure(ex))
        {
            Fail("response_headers", ex);
        }
    }

    private Task ResponseCompleted()
    {
        // The client has its response: the rest of the exchange never holds it (or the connection's next request).
        _context = null;
        _proxy = null;
        _ = FinishAsync();
        return Task.CompletedTask;
    }

    private async Task FinishAsync()
    {
        try
        {
            if (_started && !_stopped)
            {
                _lifetime.CancelAfter(_timeout);
                if (_sendBody && !_endSent)
                {
                    await _call.RequestStream.WriteAsync(BodyMessage(ByteString.Empty, endOfStream: true));
                }

                await _call.RequestStream.CompleteAsync();
                await (_drain ?? DrainAsync());
            }
        }
        catch (Exception ex) when (IsPickerFailure(ex))
        {
            Fail("response_body", ex);
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Reads and drops the picker's answers to body chunks (so its sends never stall), until it ends the stream.</summary>
    private async Task DrainAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        }
        catch (Exception ex) when (IsPickerFailure(ex))
        {
            Fail("response_body", ex);
        }
    }

    private ProcessingRequest BodyMessage(ByteString body, bool endOfStream)
    {
        _endSent |= endOfStream;
        return new ProcessingRequest
        {
            ResponseBody = new HttpBody { Body = body, EndOfStream = endOfStream },
            ObservabilityMode = true,
            MetadataContext = TakeServed(),
        };
    }

    /// <summary>The served endpoint goes with the first message of the response phase.</summary>
    private Protocol.Metadata? TakeServed()
    {
        var served = _served;
        _served = null;
        return served;
    }

    private void Fail(string phase, Exception exception)
    {
        var first = Interlocked.Exchange(ref _failed, 1) == 0 && !_stopped;
        _stopped = true;
        if (!first)
        {
            return;
        }

        var reason = exception switch
        {
            RpcException { StatusCode: StatusCode.DeadlineExceeded or StatusCode.Cancelled } or OperationCanceledException => "timeout",
            RpcException { StatusCode: StatusCode.Unavailable } => "unavailable",
            _ => "error",
        };
        _metrics.ResponseFailed(_pool, phase, reason);
        LogResponseFailed(_logger, _pool, phase, reason, exception.Message);
    }

    private static bool IsPickerFailure(Exception exception) =>
        exception is RpcException or OperationCanceledException or IOException or InvalidOperationException or InvalidProtocolBufferException or ObjectDisposedException;

    private static void Apply(IHeaderDictionary headers, HeaderMutation mutation)
    {
        foreach (var option in mutation.SetHeaders)
        {
            if (option.Header is { Key.Length: > 0 } header && Mutable(header.Key))
            {
                var value = EndpointPickerClient.ValueOf(header);
                headers[header.Key] = option.AppendAction == HeaderValueOption.Types.HeaderAppendAction.AppendIfExistsOrAdd && option.Append is true
                    ? Microsoft.Extensions.Primitives.StringValues.Concat(headers[header.Key], value)
                    : value;
            }
        }

        foreach (var name in mutation.RemoveHeaders)
        {
            if (name.Length > 0 && Mutable(name))
            {
                headers.Remove(name);
            }
        }
    }

    /// <summary>Pseudo-headers and the framing of the body the client is being sent stay as they are.</summary>
    private static bool Mutable(string name) =>
        name[0] != ':' && !string.Equals(name, "content-length", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, "transfer-encoding", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The endpoint picker of InferencePool '{Pool}' failed in the response phase ({Phase}, {Reason}: {Error}); the response goes on without it")]
    private static partial void LogResponseFailed(ILogger logger, string pool, string phase, string reason, string error);
}
