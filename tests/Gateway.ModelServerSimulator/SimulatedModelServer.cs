using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.ModelServerSimulator;

/// <summary>
/// An OpenAI-compatible model server on a loopback port (real Kestrel): <c>/v1/chat/completions</c>,
/// <c>/v1/completions</c>, <c>/v1/responses</c> (whole or streamed as server-sent events), <c>/v1/models</c>, and
/// <c>/metrics</c> with vLLM's gauges. It generates exactly <c>max_tokens</c> tokens, at most <see cref="SimulatorOptions.MaxRunning"/> requests at
/// once, the others queued; every step takes the configured time scaled by the speed factor. Each answer names the pod
/// in <c>x-simulator-pod</c>.
/// </summary>
public sealed class SimulatedModelServer : IAsyncDisposable
{
    /// <summary>The response header naming the pod that answered.</summary>
    public const string PodHeader = "x-simulator-pod";

    private readonly WebApplication _app;
    private readonly BatchScheduler _scheduler;
    private int _served;
    private long _nextId;

    private SimulatedModelServer(string name, SimulatorOptions options, WebApplication app)
    {
        Name = name;
        Options = options;
        _app = app;
        _scheduler = new BatchScheduler(options.MaxRunning);
    }

    public string Name { get; }

    public SimulatorOptions Options { get; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Completion requests answered (whole or streamed to the end).</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>Requests in the waiting queue now.</summary>
    public int Waiting => _scheduler.Waiting;

    /// <summary>Requests in the running batch now.</summary>
    public int Running => _scheduler.Running;

    public static async Task<SimulatedModelServer> StartAsync(string name, SimulatorOptions? options = null)
    {
        options ??= new SimulatorOptions();
        if (options.MaxRunning < 1 || options.SpeedFactor <= 0)
        {
            throw new ArgumentException("MaxRunning must be 1 or more and SpeedFactor above 0.", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new SimulatedModelServer(name, options, app);
        app.MapPost("/v1/chat/completions", context => server.CompleteAsync(context, CompletionKind.Chat));
        app.MapPost("/v1/completions", context => server.CompleteAsync(context, CompletionKind.Text));
        app.MapPost("/v1/responses", context => server.CompleteAsync(context, CompletionKind.Responses));
        app.MapGet("/v1/models", server.ListModelsAsync);
        app.MapGet("/metrics", server.MetricsAsync);
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task CompleteAsync(HttpContext context, CompletionKind kind)
    {
        context.Response.Headers[PodHeader] = Name;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var request = CompletionRequest.Parse(kind, body.GetBuffer().AsSpan(0, (int)body.Length), Options.DefaultMaxTokens, out var error);
        if (request is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, error!, "BadRequestError");
            return;
        }

        if (request.Model is { } model && model != Options.ModelName)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, $"The model `{model}` does not exist.", "NotFoundError");
            return;
        }

        var time = Options.TimeProvider;
        var prefix = kind switch
        {
            CompletionKind.Chat => "chatcmpl-",
            CompletionKind.Responses => "resp_",
            _ => "cmpl-",
        };
        var id = prefix + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var aborted = context.RequestAborted;
        using var lease = await _scheduler.EnterAsync(request.PromptTokens + request.MaxTokens, aborted);
        await Task.Delay(Options.Scaled(Options.PrefillTimePerPromptToken, request.PromptTokens), time, aborted);
        if (!request.Stream)
        {
            await Task.Delay(Options.Scaled(Options.TimePerOutputToken, request.MaxTokens - 1), time, aborted);
            context.Response.ContentType = "application/json";
            var answer = kind == CompletionKind.Responses
                ? ResponsesWriter.Response(request, id, Options.ModelName, created)
                : CompletionWriter.Completion(request, id, Options.ModelName, created);
            await context.Response.Body.WriteAsync(answer, aborted);
            Interlocked.Increment(ref _served);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        if (kind == CompletionKind.Responses)
        {
            await StreamResponseAsync(context, request, id, created);
            Interlocked.Increment(ref _served);
            return;
        }

        for (var i = 0; i < request.MaxTokens; i++)
        {
            if (i > 0)
            {
                await Task.Delay(Options.Scaled(Options.TimePerOutputToken, 1), time, aborted);
            }

            await context.Response.Body.WriteAsync(CompletionWriter.TokenChunk(request, id, Options.ModelName, created, first: i == 0, last: i == request.MaxTokens - 1), aborted);
            await context.Response.Body.FlushAsync(aborted);
        }

        if (request.IncludeUsage)
        {
            await context.Response.Body.WriteAsync(CompletionWriter.UsageChunk(request, id, Options.ModelName, created), aborted);
        }

        await context.Response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), aborted);
        Interlocked.Increment(ref _served);
    }

    /// <summary>The Responses API's events: started, one text delta a token, then the completed response with its usage.</summary>
    private async Task StreamResponseAsync(HttpContext context, CompletionRequest request, string id, long created)
    {
        var time = Options.TimeProvider;
        var aborted = context.RequestAborted;
        var body = context.Response.Body;
        await body.WriteAsync(ResponsesWriter.Started(request, id, Options.ModelName, created), aborted);
        for (var i = 0; i < request.MaxTokens; i++)
        {
            if (i > 0)
            {
                await Task.Delay(Options.Scaled(Options.TimePerOutputToken, 1), time, aborted);
            }

            await body.WriteAsync(ResponsesWriter.TextDelta(id, sequence: 2 + i), aborted);
            await body.FlushAsync(aborted);
        }

        await body.WriteAsync(ResponsesWriter.Finished(request, id, Options.ModelName, created, sequence: 2 + request.MaxTokens), aborted);
    }

    private Task ListModelsAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($$"""{"object":"list","data":[{"id":"{{Options.ModelName}}","object":"model","owned_by":"simulator"}]}""");
    }

    private Task MetricsAsync(HttpContext context)
    {
        if (!Options.ExposeMetrics)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var usage = Math.Min(1.0, (double)_scheduler.CachedTokens / Options.KvCacheTokens);
        context.Response.ContentType = "text/plain; version=0.0.4";
        return context.Response.WriteAsync(MetricsWriter.Write(Options.ModelName, _scheduler.Waiting, _scheduler.Running, usage));
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message, string type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(CompletionWriter.Error(message, type, status)).AsTask();
    }
}
