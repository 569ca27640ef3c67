using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on a loopback port that answers JSON describing the request it received (see <see cref="BackendEcho"/>),
/// unless a test replaces its handler.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requestCount;
    private bool _killed;

    private TestBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    public string Url { get; private set; } = "";

    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Replaces the default echo; the request is still counted.</summary>
    public RequestDelegate? Handler { get; set; }

    public static Task<TestBackend> StartAsync(string name) => StartAsync(name, new IPEndPoint(IPAddress.Loopback, 0));

    /// <summary>A backend on <paramref name="endpoint"/> (a loopback address; port 0 takes a free one).</summary>
    public static async Task<TestBackend> StartAsync(string name, IPEndPoint endpoint)
    {
        var app = LoopbackApp.Create(endpoint);
        var backend = new TestBackend(name, app);
        app.Run(backend.HandleAsync);
        backend.Url = await LoopbackApp.StartAsync(app);
        return backend;
    }

    private Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        if (Handler is { } handler)
        {
            return handler(context);
        }

        var request = context.Request;
        var echo = new BackendEcho(
            Name,
            request.Method,
            request.Path.Value ?? "",
            request.QueryString.Value ?? "",
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
        return context.Response.WriteAsJsonAsync(echo);
    }

    /// <summary>Stops at once, aborting the connections of requests in flight, as a crashed process would.</summary>
    public async Task KillAsync()
    {
        await _app.StopAsync(new CancellationToken(canceled: true));
        _killed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_killed)
        {
            await _app.DisposeAsync();
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What a <see cref="TestBackend"/> saw. Header names are lower-case.</summary>
public sealed record BackendEcho(string Backend, string Method, string Path, string Query, Dictionary<string, string> Headers)
{
    public static async Task<BackendEcho> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonSerializer.Deserialize<BackendEcho>(text, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Not a backend echo: {text}");
    }
}
