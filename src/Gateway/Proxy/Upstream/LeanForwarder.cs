using System.Buffers;
using System.IO.Pipelines;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Gateway.Observability;
using Gateway.Primitives;
using Gateway.Resilience;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// The lean HTTP/1.1 upstream path (<c>Gateway:Transport:LeanUpstream</c>): forwards a request over a pooled connection
/// with its head written straight from Kestrel's request and the response head parsed once, without an
/// <c>HttpRequestMessage</c> or <c>HttpResponseMessage</c>. It takes the destination YARP chose and reports failures as
/// YARP's forwarder does (<see cref="IForwarderErrorFeature"/>, the same <see cref="ForwarderError"/> kinds and
/// statuses), so retries, passive health, metrics and logs behave alike. Anything it does not handle exactly as YARP
/// would (TLS, HTTP/2, upgrades, HTTP/2 clients, unknown transforms, tracing, capped clusters, unusual targets) goes to
/// YARP's forwarder unchanged.
/// </summary>
internal sealed class LeanForwarder(
    IHttpForwarder inner, UpstreamPools pools, ClusterRuntimeTable clusters, ClientIpResolver clientIp, IOptions<TelemetryOptions> telemetry) : IHttpForwarder
{
    /// <summary>YARP's default <c>ActivityTimeout</c>.</summary>
    private static readonly TimeSpan DefaultActivityTimeout = TimeSpan.FromSeconds(100);

    private readonly bool _tracing = telemetry.Value.TracingEnabled;
    private readonly ConditionalWeakTable<RouteConfig, StrongBox<LeanRoutePlan?>> _plans = new();

    private enum Stage
    {
        Connect,
        RequestHead,
        ResponseHead,
    }

    public ValueTask<ForwarderError> SendAsync(
        HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer) =>
        SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, CancellationToken.None);

    public ValueTask<ForwarderError> SendAsync(
        HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer,
        CancellationToken cancellationToken)
    {
        if (Plan(context, destinationPrefix, requestConfig) is not { } plan)
        {
            return inner.SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, cancellationToken);
        }

        var pool = pools.For(destinationPrefix);
        if (RequestHeadWriter.Target(context.Request, plan, pool.Path) is not { } target)
        {
            return inner.SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, cancellationToken);
        }

        return ForwardAsync(context, pool, plan, target, requestConfig, cancellationToken);
    }

    /// <summary>The route's lean plan when the lean path takes this request; null leaves it to YARP.</summary>
    private LeanRoutePlan? Plan(HttpContext context, string destinationPrefix, ForwarderRequestConfig? requestConfig)
    {
        var request = context.Request;
        if (_tracing
            || !destinationPrefix.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || requestConfig?.Version is { Major: not 1 }
            || !(HttpProtocol.IsHttp11(request.Protocol) || HttpProtocol.IsHttp10(request.Protocol))
            || HttpMethods.IsConnect(request.Method)
            || context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            || context.Features.Get<IReverseProxyFeature>() is not { } proxy
            || proxy.Cluster.Config.HttpClient?.MaxConnectionsPerServer is not null)
        {
            return null;
        }

        return _plans.GetValue(proxy.Route.Config, static route => new StrongBox<LeanRoutePlan?>(LeanRoutePlan.Compile(route.Transforms, out _))).Value;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ForwarderError> ForwardAsync(
        HttpContext context, UpstreamConnectionPool pool, LeanRoutePlan plan, string target, ForwarderRequestConfig? requestConfig,
        CancellationToken cancellationToken)
    {
        var activityTimeout = requestConfig?.ActivityTimeout ?? DefaultActivityTimeout;
        using var activity = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, cancellationToken);
        activity.CancelAfter(activityTimeout);
        var token = activity.Token;
        var request = context.Request;
        var bodyLength = RequestHeadWriter.BodyLength(request, context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);
        var connectTimeout = clusters.Find(context.GetReverseProxyFeature().Cluster.Config.ClusterId).ConnectTimeout;
        var isHead = HttpMethods.IsHead(request.Method);
        UpstreamConnection? connection = null;
        var stage = Stage.Connect;
        var reused = false;
        try
        {
            // A pooled connection the backend closed while idle fails before any answer: a request without a body is then
            // sent once more on a new connection, as SocketsHttpHandler does.
            for (var attempt = 0; ; attempt++)
            {
                stage = Stage.Connect;
                connection = await pool.RentAsync(connectTimeout, token, fresh: attempt > 0);
                reused = connection.Reused;
                stage = Stage.RequestHead;
                RequestHeadWriter.Write(connection.Writer, context, plan, target, pool.Authority, clientIp.IsTrustedPeer(context), bodyLength);
                var retryStale = reused && attempt == 0 && bodyLength is null or 0;
                try
                {
                    await connection.Writer.FlushAsync(token);
                }
                catch (Exception ex) when (retryStale && ex is IOException or SocketException)
                {
                    connection.Dispose();
                    connection = null;
                    continue;
                }

                if (bodyLength is { } length && length != 0)
                {
                    var bodyError = await SendBodyAsync(context, connection.Writer, length < 0, activity, activityTimeout, token);
                    if (bodyError != ForwarderError.None)
                    {
                        connection.Dispose();
                        return bodyError;
                    }
                }

                stage = Stage.ResponseHead;
                activity.CancelAfter(activityTimeout);
                var (result, head, headError, nothingReceived) = await ReadHeadAsync(context, connection, isHead, plan, token);
                if (result == HeadParseResult.Incomplete && retryStale && nothingReceived)
                {
                    connection.Dispose();
                    connection = null;
                    continue;
                }

                if (result != HeadParseResult.Complete)
                {
                    connection.Dispose();
                    var error = result == HeadParseResult.Incomplete ? HttpRequestError.ResponseEnded : HttpRequestError.InvalidResponse;
                    return Fail(context, ForwarderError.Request, StatusCodes.Status502BadGateway, new HttpRequestException(error, headError));
                }

                if (context.Features.Get<RetryState>() is { CanRetry: true, BodyStarted: false } retry && retry.Behavior.RetriesStatus(head.StatusCode))
                {
                    // As RetryStatusTransform: nothing reaches the client, and the body is not read (the connection goes).
                    retry.Withheld = true;
                    connection.Dispose();
                    return ForwarderError.None;
                }

                var bodyResult = await CopyResponseBodyAsync(context, connection, head, activity, activityTimeout, token);
                if (bodyResult == ForwarderError.None && head.KeepAlive && !HasUnreadBytes(connection.Reader))
                {
                    pool.Return(connection);
                }
                else
                {
                    connection.Dispose();
                }

                return bodyResult;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            connection?.Dispose();
            return FailBeforeResponse(context, stage, ex, cancellationToken);
        }
    }

    /// <summary>The failure of a step before the response started, reported as YARP's forwarder reports it.</summary>
    private static ForwarderError FailBeforeResponse(HttpContext context, Stage stage, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException)
        {
            if (context.RequestAborted.IsCancellationRequested || cancellationToken.IsCancellationRequested)
            {
                var status = context.RequestAborted.IsCancellationRequested ? StatusCodes.Status400BadRequest : StatusCodes.Status502BadGateway;
                return Fail(context, ForwarderError.RequestCanceled, status, exception);
            }

            return Fail(context, ForwarderError.RequestTimedOut, StatusCodes.Status504GatewayTimeout, exception);
        }

        if (stage == Stage.Connect && exception is SocketException socket)
        {
            // The shape ConnectFailure recognises: nothing was sent, so another endpoint may take the request.
            return Fail(context, ForwarderError.Request, StatusCodes.Status502BadGateway, new HttpRequestException(HttpRequestError.ConnectionError, socket.Message, socket));
        }

        return Fail(context, ForwarderError.Request, StatusCodes.Status502BadGateway, new HttpRequestException(HttpRequestError.Unknown, exception.Message, exception));
    }

    /// <summary>Reads response heads until a final one; 100 Continue and 103 Early Hints are skipped, as SocketsHttpHandler skips them.</summary>
    private static async ValueTask<(HeadParseResult Result, ResponseHead Head, string? Error, bool NothingReceived)> ReadHeadAsync(
        HttpContext context, UpstreamConnection connection, bool isHead, LeanRoutePlan plan, CancellationToken token)
    {
        var reader = connection.Reader;
        var received = false;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(token);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                // Lost before the whole head arrived: the same outcome as a close.
                return (HeadParseResult.Incomplete, default, ex.Message, !received);
            }

            received |= !read.Buffer.IsEmpty;

            var buffer = read.Buffer;
            var (result, head, error) = Parse(context, buffer, isHead, plan, connection.HeaderValues);
            switch (result)
            {
                case HeadParseResult.Incomplete when !read.IsCompleted:
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                case HeadParseResult.Incomplete:
                    return (result, head, received ? "The backend closed the connection inside its response head." : "The backend closed the connection before answering.", !received);
                case HeadParseResult.Invalid:
                    return (result, head, error, false);
            }

            reader.AdvanceTo(buffer.GetPosition(head.Length));
            if (head.StatusCode == StatusCodes.Status101SwitchingProtocols)
            {
                return (HeadParseResult.Invalid, head, "The backend switched protocols on a request that did not ask to.", false);
            }

            if (!head.IsInformational)
            {
                return (result, head, null, false);
            }
        }
    }

    /// <summary>Parses the head in the buffer and, once it is complete and final, copies it to the client's response.</summary>
    private static (HeadParseResult, ResponseHead, string?) Parse(HttpContext context, ReadOnlySequence<byte> buffer, bool isHead, LeanRoutePlan plan, string?[] values)
    {
        var length = (int)Math.Min(buffer.Length, ResponseHeadParser.DefaultMaxHeadSize);
        byte[]? rented = null;
        var span = buffer.FirstSpan.Length >= length ? buffer.FirstSpan[..length] : Flatten(buffer.Slice(0, length), rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var result = ResponseHeadParser.TryParse(span, isHead, out var head, out var error);
            if (result == HeadParseResult.Complete && !head.IsInformational && head.StatusCode != StatusCodes.Status101SwitchingProtocols
                && !ResponseHeadCopier.TryCopy(context, span, head, plan.ResponseHeaders, values))
            {
                return (HeadParseResult.Invalid, head, "The backend's response head is not ASCII.");
            }

            return (result, head, error);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ReadOnlySpan<byte> Flatten(ReadOnlySequence<byte> buffer, byte[] into)
    {
        buffer.CopyTo(into);
        return into.AsSpan(0, (int)buffer.Length);
    }

    private static async ValueTask<ForwarderError> SendBodyAsync(
        HttpContext context, PipeWriter output, bool chunked, CancellationTokenSource activity, TimeSpan activityTimeout, CancellationToken token)
    {
        var input = context.Request.BodyReader;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await input.ReadAsync(token);
            }
            catch (OperationCanceledException ex)
            {
                return Fail(context, ForwarderError.RequestBodyCanceled, context.RequestAborted.IsCancellationRequested ? StatusCodes.Status400BadRequest : StatusCodes.Status504GatewayTimeout, ex);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var status = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
                return Fail(context, ForwarderError.RequestBodyClient, status, ex);
            }

            var buffer = read.Buffer;
            try
            {
                if (!buffer.IsEmpty)
                {
                    if (chunked)
                    {
                        WriteChunkSize(output, buffer.Length);
                    }

                    foreach (var segment in buffer)
                    {
                        output.Write(segment.Span);
                    }

                    if (chunked)
                    {
                        output.Write("\r\n"u8);
                    }
                }

                input.AdvanceTo(buffer.End);
                if (read.IsCompleted && chunked)
                {
                    output.Write("0\r\n\r\n"u8);
                }

                await output.FlushAsync(token);
                activity.CancelAfter(activityTimeout);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested
                    ? Fail(context, ForwarderError.RequestBodyCanceled, StatusCodes.Status400BadRequest, ex)
                    : Fail(context, ForwarderError.RequestBodyDestination, ex is OperationCanceledException ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway, ex);
            }

            if (read.IsCompleted)
            {
                return ForwarderError.None;
            }
        }
    }

    private static void WriteChunkSize(PipeWriter output, long size)
    {
        var span = output.GetSpan(18);
        size.TryFormat(span, out var written, "x", System.Globalization.CultureInfo.InvariantCulture);
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    private static async ValueTask<ForwarderError> CopyResponseBodyAsync(
        HttpContext context, UpstreamConnection connection, ResponseHead head, CancellationTokenSource activity, TimeSpan activityTimeout, CancellationToken token)
    {
        if (head.Framing == BodyFraming.None)
        {
            return ForwarderError.None;
        }

        var reader = connection.Reader;
        var output = context.Response.BodyWriter;
        var remaining = head.ContentLength;
        var decoder = connection.Chunked;
        decoder.Reset();
        while (head.Framing != BodyFraming.ContentLength || remaining > 0)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(token);
            }
            catch (OperationCanceledException ex)
            {
                return FailBody(context, ForwarderError.ResponseBodyCanceled, ex);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return FailBody(context, ForwarderError.ResponseBodyDestination, ex);
            }

            var buffer = read.Buffer;
            var done = false;
            SequencePosition consumed;
            switch (head.Framing)
            {
                case BodyFraming.ContentLength:
                    var take = buffer.Slice(0, Math.Min(remaining, buffer.Length));
                    Write(output, take);
                    remaining -= take.Length;
                    consumed = take.End;
                    done = remaining == 0;
                    break;
                case BodyFraming.Chunked:
                    if (!Dechunk(decoder, buffer, output, out consumed, out done))
                    {
                        // What was decoded goes out first: Kestrel cannot take back written bytes, so a 502 would carry them.
                        reader.AdvanceTo(consumed);
                        await FlushQuietlyAsync(output);
                        return FailBody(context, ForwarderError.ResponseBodyDestination, new HttpRequestException(HttpRequestError.InvalidResponse, decoder.Error));
                    }

                    break;
                default:
                    Write(output, buffer);
                    consumed = buffer.End;
                    done = read.IsCompleted;
                    break;
            }

            reader.AdvanceTo(consumed);
            try
            {
                var flushed = await output.FlushAsync(token);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    return FailBody(context, ForwarderError.ResponseBodyClient, new IOException("The client's response stream closed."));
                }
            }
            catch (OperationCanceledException ex)
            {
                return FailBody(context, ForwarderError.ResponseBodyCanceled, ex);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return FailBody(context, ForwarderError.ResponseBodyClient, ex);
            }

            activity.CancelAfter(activityTimeout);
            if (done)
            {
                return ForwarderError.None;
            }

            if (read.IsCompleted)
            {
                return FailBody(context, ForwarderError.ResponseBodyDestination, new HttpIOException(HttpRequestError.ResponseEnded, "The backend closed the connection inside its response body."));
            }
        }

        return ForwarderError.None;
    }

    private static async ValueTask FlushQuietlyAsync(PipeWriter output)
    {
        try
        {
            await output.FlushAsync();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client is gone too; the failure reported is the backend's.
        }
    }

    /// <summary>Decodes what the buffer holds of a chunked body into the client's response; false when the framing is invalid.</summary>
    private static bool Dechunk(ChunkedBodyDecoder decoder, ReadOnlySequence<byte> buffer, PipeWriter output, out SequencePosition consumed, out bool done)
    {
        done = false;
        var position = buffer.Start;
        var segmentStart = position;
        while (buffer.TryGet(ref position, out var memory))
        {
            var span = memory.Span;
            var offset = 0;
            while (offset < span.Length)
            {
                var status = decoder.Read(span[offset..], out var used, out var dataStart, out var dataLength);
                if (dataLength > 0)
                {
                    output.Write(span.Slice(offset + dataStart, dataLength));
                }

                offset += used;
                if (status == ChunkedStatus.Invalid)
                {
                    consumed = buffer.GetPosition(offset, segmentStart);
                    return false;
                }

                if (status == ChunkedStatus.Done)
                {
                    consumed = buffer.GetPosition(offset, segmentStart);
                    done = true;
                    return true;
                }
            }

            segmentStart = position;
        }

        consumed = buffer.End;
        return true;
    }

    private static void Write(PipeWriter output, ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            output.Write(segment.Span);
        }
    }

    /// <summary>True when the backend sent bytes beyond its response: the connection cannot carry another request.</summary>
    private static bool HasUnreadBytes(PipeReader reader)
    {
        if (!reader.TryRead(out var read))
        {
            return false;
        }

        reader.AdvanceTo(read.Buffer.Start);
        return !read.Buffer.IsEmpty || read.IsCompleted;
    }

    private static ForwarderError FailBody(HttpContext context, ForwarderError error, Exception exception)
    {
        context.Features.Set<IForwarderErrorFeature>(new UpstreamErrorFeature(error, exception));
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return error;
        }

        // A truncated response must not look complete to the client.
        context.Abort();
        return error;
    }

    private static ForwarderError Fail(HttpContext context, ForwarderError error, int status, Exception exception)
    {
        context.Features.Set<IForwarderErrorFeature>(new UpstreamErrorFeature(error, exception));
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = status;
        }

        return error;
    }
}
