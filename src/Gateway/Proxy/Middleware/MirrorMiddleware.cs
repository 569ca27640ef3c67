using System.Net;
using Gateway.Model;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Sends a copy of a share of a route's requests to its mirror backends, fire-and-forget: the copy goes to a random
/// available endpoint of the mirror, with <c>-shadow</c> appended to its Host (as Envoy does), and its answer, error or
/// slowness never reaches the client. Copies in flight are bounded; beyond the bound a copy is dropped, never queued.
/// Bodies are buffered (up to <see cref="MaxBodyBytes"/>) so the original and the copy both get them.
/// </summary>
internal sealed partial class MirrorMiddleware
{
    public const int MaxInFlight = 256;
    public const int MaxBodyBytes = 1 << 20;
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromSeconds(30);

    private readonly RequestDelegate _next;
    private readonly IProxyStateLookup _proxyState;
    private readonly ILogger<MirrorMiddleware> _logger;
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    });

    private int _inFlight;

    public MirrorMiddleware(RequestDelegate next, IProxyStateLookup proxyState, ILogger<MirrorMiddleware> logger)
    {
        _next = next;
        _proxyState = proxyState;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var mirrors = context.GetEndpoint()?.Metadata.GetMetadata<RouteRuntime>()?.Mirrors;
        return mirrors is null ? _next(context) : InvokeMirroredAsync(context, mirrors);
    }

    private async Task InvokeMirroredAsync(HttpContext context, RequestMirror[] mirrors)
    {
        byte[]? body = null;
        var bodyFits = true;
        var request = context.Request;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            if (request.ContentLength > MaxBodyBytes)
            {
                bodyFits = false;
            }
            else
            {
                // Read at most one byte past the bound: a larger body is forwarded as usual but not copied.
                request.EnableBuffering();
                using var copy = new MemoryStream();
                var buffer = new byte[16 * 1024];
                int read;
                while (copy.Length <= MaxBodyBytes && (read = await request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    copy.Write(buffer, 0, read);
                }

                request.Body.Position = 0;
                bodyFits = copy.Length <= MaxBodyBytes;
                body = bodyFits ? copy.ToArray() : null;
            }
        }

        if (bodyFits)
        {
            foreach (var mirror in mirrors)
            {
                if (mirror.Percent >= 100 || Random.Shared.NextDouble() * 100 < mirror.Percent)
                {
                    StartCopy(context, mirror.Backend, body);
                }
            }
        }

        await _next(context);
    }

    private void StartCopy(HttpContext context, string backend, byte[]? body)
    {
        if (!_proxyState.TryGetCluster(backend, out var cluster) || cluster.DestinationsState.AvailableDestinations is not { Count: > 0 } destinations)
        {
            LogDropped(_logger, backend, "it has no available endpoint");
            return;
        }

        if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            LogDropped(_logger, backend, $"{MaxInFlight} copies are already in flight");
            return;
        }

        var destination = destinations[Random.Shared.Next(destinations.Count)];
        var copy = BuildCopy(context.Request, destination.Model.Config.Address, body);
        _ = SendAsync(copy, backend);
    }

    private static HttpRequestMessage BuildCopy(HttpRequest request, string address, byte[]? body)
    {
        var target = new Uri(address.TrimEnd('/') + request.PathBase + request.Path + request.QueryString);
        var copy = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (IsHopByHop(name))
            {
                continue;
            }

            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                copy.Headers.Host = request.Host.Host + "-shadow" + (request.Host.Port is { } port ? ":" + port : "");
            }
            else if (!copy.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                copy.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return copy;
    }

    private async Task SendAsync(HttpRequestMessage copy, string backend)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CopyTimeout);
            using var response = await _client.SendAsync(copy, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogFailed(_logger, backend, ex.Message);
        }
        finally
        {
            copy.Dispose();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static bool IsHopByHop(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("TE", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mirror copy to '{Backend}' dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string backend, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mirror copy to '{Backend}' failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string backend, string reason);
}
