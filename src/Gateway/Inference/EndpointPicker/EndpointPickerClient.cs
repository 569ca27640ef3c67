using System.Text;
using Gateway.Inference.EndpointPicker.Protocol;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Inference.EndpointPicker;

/// <summary>
/// Asks an InferencePool's endpoint picker which endpoint serves a request, over the Envoy external-processing stream:
/// the request headers (with the candidate endpoints in the filter metadata), then the body when there is one, read
/// until the picker has answered both. The stream then stays open for the response phase (<see cref="PickerExchange"/>)
/// unless the picker's mode override skips it. Channels come from the <see cref="PickerChannelPool"/>.
/// </summary>
internal sealed class EndpointPickerClient(IOptions<EndpointPickerOptions> options, PickerChannelPool channels, EndpointPickerMetrics metrics, ILogger<PickerExchange> logger)
{
    private readonly EndpointPickerOptions _options = options.Value;
    private int _next;

    public async Task<PickerAnswer> PickAsync(Model.EndpointPicker picker, HttpRequest request, ReadOnlyMemory<byte> body, ListValue candidates, CancellationToken cancellationToken)
    {
        var endpoints = picker.Endpoints.Current;
        if (endpoints.IsEmpty)
        {
            return PickerAnswer.Failed("unavailable");
        }

        var address = endpoints[(int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length)];
        var channel = channels.Acquire(address);

        // The stream's own lifetime: it bounds each phase with the timeout, and outlives the request phase when the picker follows the response.
        var lifetime = new CancellationTokenSource(_options.Timeout);
        var call = channel.Client.Process(cancellationToken: lifetime.Token);
        var exchange = new PickerExchange(picker.Pool, channel, call, lifetime, _options.Timeout, metrics, logger);
        var keep = false;
        try
        {
            await call.RequestStream.WriteAsync(Headers(request, body.IsEmpty, candidates), cancellationToken);
            if (!body.IsEmpty)
            {
                // Wrapped, not copied: the body's buffer is the step's own and outlives the write.
                await call.RequestStream.WriteAsync(new ProcessingRequest { RequestBody = new HttpBody { Body = UnsafeByteOperations.UnsafeWrap(body), EndOfStream = true } }, cancellationToken);
            }

            var answer = await ReadAsync(call.ResponseStream, expectBody: !body.IsEmpty, cancellationToken);
            if (answer.Failure is null && answer.Immediate is null && exchange.Follows(answer.Mode))
            {
                lifetime.CancelAfter(Timeout.InfiniteTimeSpan);
                answer.Exchange = exchange;
                keep = true;
            }
            else
            {
                await call.RequestStream.CompleteAsync();
            }

            return answer;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return PickerAnswer.Failed("timeout");
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return PickerAnswer.Failed(ex.StatusCode switch
            {
                StatusCode.DeadlineExceeded or StatusCode.Cancelled => "timeout",
                StatusCode.Unavailable => "unavailable",
                _ => "error",
            });
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidOperationException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // An answer that is not the protocol, or a stream that broke mid-way.
            return PickerAnswer.Failed("error");
        }
        finally
        {
            if (!keep)
            {
                exchange.Dispose();
            }
        }
    }

    /// <summary>Reads responses until the picker has answered the headers (and the body, when one was sent), or answered the client itself.</summary>
    private static async Task<PickerAnswer> ReadAsync(IAsyncStreamReader<ProcessingResponse> responses, bool expectBody, CancellationToken cancellationToken)
    {
        var answer = new PickerAnswer();
        var headersDone = false;
        while (await responses.MoveNext(cancellationToken))
        {
            var response = responses.Current;
            if (response.DynamicMetadata?.Fields.TryGetValue(PickerMetadata.PickNamespace, out var lb) == true
                && lb.StructValue?.Fields.TryGetValue(PickerMetadata.DestinationKey, out var picked) == true
                && picked.KindCase == Value.KindOneofCase.StringValue)
            {
                answer.Endpoints = picked.StringValue;
            }

            switch (response.ResponseCase)
            {
                case ProcessingResponse.ResponseOneofCase.ImmediateResponse:
                    answer.Immediate = response.ImmediateResponse;
                    return answer;
                case ProcessingResponse.ResponseOneofCase.RequestHeaders:
                    Collect(answer, response.RequestHeaders.Response);
                    answer.Mode = response.ModeOverride;
                    headersDone = true;
                    break;
                case ProcessingResponse.ResponseOneofCase.RequestBody:
                    if (Collect(answer, response.RequestBody.Response))
                    {
                        return Finish(answer);
                    }

                    break;
            }

            if (headersDone && !expectBody)
            {
                return Finish(answer);
            }
        }

        return PickerAnswer.Failed("closed");
    }

    /// <summary>Takes the response's changes; true when the body is complete (a whole-body answer, or the last streamed chunk).</summary>
    private static bool Collect(PickerAnswer answer, CommonResponse? response)
    {
        if (response is null)
        {
            return true;
        }

        if (response.HeaderMutation is { } headers)
        {
            answer.HeaderMutations.Add(headers);
            foreach (var header in headers.SetHeaders)
            {
                if (string.Equals(header.Header?.Key, PickerMetadata.DestinationKey, StringComparison.OrdinalIgnoreCase))
                {
                    answer.Endpoints = ValueOf(header.Header!);
                }
            }
        }

        switch (response.BodyMutation?.MutationCase)
        {
            case BodyMutation.MutationOneofCase.Body:
                answer.Body = new MemoryStream(response.BodyMutation.Body.ToByteArray(), writable: false);
                return true;
            case BodyMutation.MutationOneofCase.Clear:
                answer.Body = new MemoryStream([], writable: false);
                return true;
            case BodyMutation.MutationOneofCase.StreamedResponse:
                var chunk = response.BodyMutation.StreamedResponse;
                answer.Body ??= new MemoryStream();
                chunk.Body.WriteTo(answer.Body);
                return chunk.EndOfStream;
            default:
                return true;
        }
    }

    private static PickerAnswer Finish(PickerAnswer answer)
    {
        if (answer.Body is { CanWrite: true } streamed)
        {
            streamed.Position = 0;
        }

        if (string.IsNullOrWhiteSpace(answer.Endpoints))
        {
            answer.Failure = "no_endpoint";
        }

        return answer;
    }

    public static string ValueOf(HeaderValue header) => header.RawValue.IsEmpty ? header.Value : header.RawValue.ToStringUtf8();

    /// <summary>The request headers as Envoy sends them (lower-case names, pseudo-headers first, values as raw bytes) and the candidates.</summary>
    private static ProcessingRequest Headers(HttpRequest request, bool endOfStream, ListValue candidates)
    {
        var map = new HeaderMap();
        Add(map, ":method", request.Method);
        Add(map, ":scheme", request.Scheme);
        Add(map, ":authority", request.Host.Value ?? "");
        Add(map, ":path", request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.Value);
        foreach (var (name, values) in request.Headers)
        {
            if (name.Length > 0 && name[0] != ':' && !string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                Add(map, name.ToLowerInvariant(), values.ToString());
            }
        }

        var hint = new Struct();
        hint.Fields[PickerMetadata.SubsetKey] = new Value { ListValue = candidates };
        var metadata = new Protocol.Metadata();
        metadata.FilterMetadata[PickerMetadata.SubsetNamespace] = hint;
        return new ProcessingRequest
        {
            RequestHeaders = new HttpHeaders { Headers = map, EndOfStream = endOfStream },
            MetadataContext = metadata,
        };
    }

    public static void Add(HeaderMap map, string name, string value) =>
        map.Headers.Add(new HeaderValue { Key = name, RawValue = ByteString.CopyFrom(value, Encoding.UTF8) });
}
