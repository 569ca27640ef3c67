using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Gateway.Inference.EndpointPicker.Protocol;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.IntegrationTests.Kubernetes.InferencePools;

/// <summary>
/// An endpoint picker for tests: a real gRPC server (HTTP/2 on a loopback port) speaking the Envoy external-processing
/// stream as the Inference Extension's pickers do. It answers the request headers (and the body, once it has all of
/// it) with its pick in the <c>x-gateway-destination-endpoint</c> header and in the <c>envoy.lb</c> dynamic metadata,
/// and records what it was sent. <see cref="Behavior"/> makes it pick by a header, always one endpoint (or a list), fail,
/// or hang. In the response phase it answers the response headers (with <see cref="SetResponseHeaders"/>) and each body
/// chunk as the reference picker does, and records the response it followed in <see cref="Responses"/> when the stream
/// ends. It counts its open connections, so a test sees the gateway close them.
/// </summary>
public sealed class FakeEndpointPicker : IAsyncDisposable
{
    /// <summary>The header whose value (<c>ip:port</c>) is picked in <see cref="PickerBehavior.ByHeader"/>, as in the extension's conformance picker.</summary>
    public const string SelectionHeader = "test-epp-endpoint-selection";

    private readonly WebApplication _app;
    private readonly Lock _connectionsLock = new();
    private int _connections;
    private TaskCompletionSource _noConnections = NewSignal(completed: true);

    private FakeEndpointPicker(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public PickerBehavior Behavior { get; set; } = PickerBehavior.ByHeader;

    /// <summary>The endpoint picked in <see cref="PickerBehavior.Always"/>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Headers the picker sets on the request, besides its pick.</summary>
    public Dictionary<string, string> SetHeaders { get; } = [];

    /// <summary>A body that replaces the request's, when set.</summary>
    public string? ReplaceBody { get; set; }

    /// <summary>What each exchange was sent: the candidate endpoints and the body.</summary>
    public ConcurrentQueue<(string[] Subset, string Body)> Seen { get; } = new();

    /// <summary>Headers the picker sets on the response, answering the response headers.</summary>
    public Dictionary<string, string> SetResponseHeaders { get; } = [];

    /// <summary>Answers the request headers with a mode override that skips the response headers and body.</summary>
    public bool SkipResponse { get; set; }

    /// <summary>The response phase of each exchange that got a pick, written when its stream ends.</summary>
    public Channel<ResponseSeen> Responses { get; } = Channel.CreateUnbounded<ResponseSeen>();

    /// <summary>HTTP/2 connections open to the picker now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_connectionsLock)
            {
                return _connections;
            }
        }
    }

    /// <summary>Completes once no connection is open to the picker.</summary>
    public Task NoConnectionsAsync()
    {
        lock (_connectionsLock)
        {
            return _noConnections.Task;
        }
    }

    /// <summary>
    /// Starts the picker; <paramref name="tls"/> serves TLS with a self-signed certificate made here, as the reference
    /// picker does. <paramref name="port"/> 0 takes a free port; another (a stopped picker's) starts it again there.
    /// </summary>
    public static async Task<FakeEndpointPicker> StartAsync(bool tls = false, int port = 0)
    {
        FakeEndpointPicker? picker = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o =>
        {
            o.Protocols = HttpProtocols.Http2;
            o.Use(next => async connection =>
            {
                picker!.ConnectionOpened();
                try
                {
                    await next(connection);
                }
                finally
                {
                    picker.ConnectionClosed();
                }
            });
            if (tls)
            {
                o.UseHttps(SelfSigned());
            }
        }));
        var app = builder.Build();
        picker = new FakeEndpointPicker(app);
        app.Run(picker.ProcessAsync);
        await app.StartAsync();
        picker.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()).Port;
        return picker;
    }

    private static TaskCompletionSource NewSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }

    private void ConnectionOpened()
    {
        lock (_connectionsLock)
        {
            if (_connections++ == 0)
            {
                _noConnections = NewSignal(completed: false);
            }
        }
    }

    private void ConnectionClosed()
    {
        lock (_connectionsLock)
        {
            if (--_connections == 0)
            {
                _noConnections.SetResult();
            }
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=epp", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationToken(canceled: true));
        await _app.DisposeAsync();
    }

    private async Task ProcessAsync(HttpContext context)
    {
        context.Response.ContentType = "application/grpc";
        var behavior = Behavior;
        if (behavior == PickerBehavior.Fail)
        {
            context.Response.AppendTrailer("grpc-status", "14");
            context.Response.AppendTrailer("grpc-message", "picker failing on purpose");
            return;
        }

        await context.Response.StartAsync();
        ProcessingRequest? headers = null;
        var body = new MemoryStream();
        ResponseSeen? response = null;
        var responseBody = new MemoryStream();
        while (await ReadAsync(context.Request.Body, context.RequestAborted) is { } request)
        {
            if (behavior == PickerBehavior.Hang)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            if (request.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders)
            {
                headers = request;
                if (!request.RequestHeaders.EndOfStream)
                {
                    continue;
                }
            }
            else if (request.RequestCase == ProcessingRequest.RequestOneofCase.RequestBody)
            {
                request.RequestBody.Body.WriteTo(body);
                if (!request.RequestBody.EndOfStream)
                {
                    continue;
                }
            }
            else if (request.RequestCase == ProcessingRequest.RequestOneofCase.ResponseHeaders)
            {
                if (behavior == PickerBehavior.FailResponse)
                {
                    context.Response.AppendTrailer("grpc-status", "14");
                    context.Response.AppendTrailer("grpc-message", "picker failing the response on purpose");
                    return;
                }

                response = (response ?? new ResponseSeen()) with
                {
                    Headers = request.ResponseHeaders.Headers.Headers.ToDictionary(h => h.Key, h => h.RawValue.ToStringUtf8()),
                    EndOfStream = request.ResponseHeaders.EndOfStream,
                };
                response = response with { Served = Served(request) ?? response.Served };
                await WriteAsync(context.Response.Body, ResponseHeadersResponse(), context.RequestAborted);
                continue;
            }
            else if (request.RequestCase == ProcessingRequest.RequestOneofCase.ResponseBody)
            {
                request.ResponseBody.Body.WriteTo(responseBody);
                response = (response ?? new ResponseSeen()) with
                {
                    Served = (response?.Served) ?? Served(request),
                    Body = Encoding.UTF8.GetString(responseBody.ToArray()),
                    EndOfStream = request.ResponseBody.EndOfStream,
                };

                // The reference picker answers every chunk; the gateway reads and drops these answers.
                await WriteAsync(context.Response.Body, new ProcessingResponse { ResponseBody = new BodyResponse { Response = new CommonResponse() } }, context.RequestAborted);
                continue;
            }
            else
            {
                continue;
            }

            if (behavior == PickerBehavior.Shed)
            {
                await WriteAsync(context.Response.Body, Shed(), context.RequestAborted);
                continue;
            }

            var pick = Pick(headers!);
            Seen.Enqueue((Subset(headers!), Encoding.UTF8.GetString(body.ToArray())));
            await WriteAsync(context.Response.Body, HeadersResponse(pick), context.RequestAborted);
            if (request.RequestCase == ProcessingRequest.RequestOneofCase.RequestBody)
            {
                await WriteAsync(context.Response.Body, BodyResponse(body.ToArray()), context.RequestAborted);
            }
        }

        if (headers is not null && behavior is not PickerBehavior.Shed)
        {
            Responses.Writer.TryWrite(response ?? new ResponseSeen());
        }

        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static string? Served(ProcessingRequest request) =>
        request.MetadataContext?.FilterMetadata.TryGetValue("envoy.lb", out var lb) == true && lb.Fields.TryGetValue("x-gateway-destination-endpoint-served", out var served)
            ? served.StringValue
            : null;

    private ProcessingResponse ResponseHeadersResponse()
    {
        var mutation = new HeaderMutation();
        foreach (var (name, value) in SetResponseHeaders)
        {
            mutation.SetHeaders.Add(Header(name, value));
        }

        return new ProcessingResponse { ResponseHeaders = new HeadersResponse { Response = new CommonResponse { HeaderMutation = mutation } } };
    }

    private string Pick(ProcessingRequest headers) => Behavior switch
    {
        PickerBehavior.Always or PickerBehavior.FailResponse => Endpoint!,
        _ => headers.RequestHeaders.Headers.Headers.FirstOrDefault(h => h.Key == SelectionHeader) is { } header ? header.RawValue.ToStringUtf8() : Subset(headers)[0],
    };

    private static string[] Subset(ProcessingRequest headers) =>
        [.. headers.MetadataContext.FilterMetadata["envoy.lb.subset_hint"].Fields["x-gateway-destination-endpoint-subset"].ListValue.Values.Select(v => v.StringValue)];

    private ProcessingResponse HeadersResponse(string pick)
    {
        var mutation = new HeaderMutation();
        mutation.SetHeaders.Add(Header("x-gateway-destination-endpoint", pick));
        foreach (var (name, value) in SetHeaders)
        {
            mutation.SetHeaders.Add(Header(name, value));
        }

        var lb = new Struct();
        lb.Fields["x-gateway-destination-endpoint"] = Value.ForString(pick);
        var metadata = new Struct();
        metadata.Fields["envoy.lb"] = Value.ForStruct(lb);
        return new ProcessingResponse
        {
            RequestHeaders = new HeadersResponse { Response = new CommonResponse { HeaderMutation = mutation, ClearRouteCache = true } },
            DynamicMetadata = metadata,
            ModeOverride = SkipResponse
                ? new ProcessingMode { ResponseHeaderMode = ProcessingMode.Types.HeaderSendMode.Skip, ResponseBodyMode = ProcessingMode.Types.BodySendMode.None }
                : null,
        };
    }

    /// <summary>The body back in one streamed chunk, as the reference picker answers in full-duplex mode (or the replacement).</summary>
    private ProcessingResponse BodyResponse(byte[] body) => new()
    {
        RequestBody = new BodyResponse
        {
            Response = new CommonResponse
            {
                BodyMutation = new BodyMutation
                {
                    StreamedResponse = new StreamedBodyResponse { Body = ByteString.CopyFrom(ReplaceBody is { } replacement ? Encoding.UTF8.GetBytes(replacement) : body), EndOfStream = true },
                },
            },
        },
    };

    private static ProcessingResponse Shed()
    {
        var headers = new HeaderMutation();
        headers.SetHeaders.Add(Header("retry-after", "2"));
        return new ProcessingResponse
        {
            ImmediateResponse = new ImmediateResponse
            {
                Status = new Gateway.Inference.EndpointPicker.Protocol.HttpStatus { Code = 429 },
                Headers = headers,
                Body = ByteString.CopyFromUtf8("shed: the pool is saturated"),
            },
        };
    }

    private static HeaderValueOption Header(string name, string value) => new()
    {
        Header = new HeaderValue { Key = name, RawValue = ByteString.CopyFromUtf8(value) },
        AppendAction = HeaderValueOption.Types.HeaderAppendAction.OverwriteIfExistsOrAdd,
    };

    /// <summary>One length-prefixed gRPC message, or null at the end of the stream.</summary>
    private static async Task<ProcessingRequest?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[5];
        if (!await FillAsync(stream, prefix, cancellationToken))
        {
            return null;
        }

        var message = new byte[BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1))];
        if (!await FillAsync(stream, message, cancellationToken))
        {
            return null;
        }

        return ProcessingRequest.Parser.ParseFrom(message);
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            // The gateway reset the stream (it ends a pick whose response the picker does not follow at once).
            return false;
        }
    }

    private static async Task WriteAsync(Stream stream, ProcessingResponse response, CancellationToken cancellationToken)
    {
        var message = response.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        await stream.WriteAsync(frame, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
