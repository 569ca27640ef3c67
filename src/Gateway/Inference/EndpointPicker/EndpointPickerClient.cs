using System.Collections.Concurrent;
using System.Text;
using Gateway.Inference.EndpointPicker.Protocol;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Gateway.Inference.EndpointPicker;

/// <summary>
/// Asks an InferencePool's endpoint picker which endpoint serves a request, over the Envoy external-processing stream:
/// the request headers (with the candidate endpoints in the filter metadata), then the body when there is one, read
/// until the picker has answered both. One pooled HTTP/2 channel per picker address, shared by every request.
/// </summary>
internal sealed class EndpointPickerClient(IOptions<EndpointPickerOptions> options) : IDisposable
{
    private readonly EndpointPickerOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, (GrpcChannel Channel, ExternalProcessor.ExternalProcessorClient Client)> _channels = new(StringComparer.Ordinal);
    private int _next;

    public async Task<PickerAnswer> PickAsync(Model.EndpointPicker picker, HttpRequest request, ReadOnlyMemory<byte> body, ListValue candidates, CancellationToken cancellationToken)
    {
        var endpoints = picker.Endpoints.Current;
        if (endpoints.IsEmpty)
        {
            return PickerAnswer.Failed("unavailable");
        }

        var address = endpoints[(int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length)];
        var client = ClientFor(address);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var call = client.Process(cancellationToken: timeout.Token);
            await call.RequestStream.WriteAsync(Headers(request, body.IsEmpty, candidates), timeout.Token);
            if (!body.IsEmpty)
            {
                // Wrapped, not copied: the body's buffer is the step's own and outlives the write.
                await call.RequestStream.WriteAsync(new ProcessingRequest { RequestBody = new HttpBody { Body = UnsafeByteOperations.UnsafeWrap(body), EndOfStream = true } }, timeout.Token);
            }

            var answer = await ReadAsync(call.ResponseStream, expectBody: !body.IsEmpty, timeout.Token);
            await call.RequestStream.CompleteAsync();
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
    }

    public void Dispose()
    {
        foreach (var (channel, _) in _channels.Values)
        {
            channel.Dispose();
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

    private static void Add(HeaderMap map, string name, string value) =>
        map.Headers.Add(new HeaderValue { Key = name, RawValue = ByteString.CopyFrom(value, Encoding.UTF8) });

    private ExternalProcessor.ExternalProcessorClient ClientFor(string address) =>
        _channels.GetOrAdd(address, static (key, options) =>
        {
            var target = options.Tls && key.StartsWith("http://", StringComparison.Ordinal) ? "https://" + key["http://".Length..] : key;
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                ConnectTimeout = options.Timeout,
            };
            if (options.Tls)
            {
                // The reference picker's serving certificate is self-signed and made at its start: there is nothing to verify it against.
                handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            }

            // An HttpClient rather than the handler: the channel then leaves connections to SocketsHttpHandler, which
            // connects again on the next request once a restarted picker listens. Given the handler, gRPC's own
            // connection management would fail every call for its reconnect backoff (1 s, growing to 2 min) after the
            // picker came back, and add a balancing step to each call; the gateway spreads requests over pickers itself.
            var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            var channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions { HttpClient = http, DisposeHttpClient = true });
            return (channel, new ExternalProcessor.ExternalProcessorClient(channel));
        }, _options).Client;
}
