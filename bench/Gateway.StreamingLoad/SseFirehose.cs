using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.StreamingLoad;

/// <summary>
/// A model server that streams one very long chat completion as fast as loopback carries it: OpenAI chunk events of
/// about 170 bytes, written whole, <see cref="BlockBytes"/> at a time, then the usage event and <c>data: [DONE]</c>.
/// The simulated model server writes one event per token on a timer, too slowly to stream a gigabyte.
/// </summary>
internal sealed class SseFirehose : IAsyncDisposable
{
    public const string Model = "firehose-model";

    private const int BlockBytes = 16 * 1024;

    private static readonly byte[] Event = Encoding.UTF8.GetBytes(
        $$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1765152000,"model":"{{Model}}","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}""" + "\n\n");

    private static readonly byte[] Block = [.. Enumerable.Repeat(Event, BlockBytes / Event.Length).SelectMany(e => e)];

    private readonly WebApplication _app;

    private SseFirehose(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>The bytes of the longest stream not above <paramref name="bytes"/> made of whole blocks, with its ending.</summary>
    public static long StreamLength(long bytes) => (bytes / Block.Length * Block.Length) + Ending(bytes).Length;

    public static async Task<SseFirehose> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        // The stream's length comes in the request's max_tokens, counted in bytes.
        app.MapPost("/v1/chat/completions", async context =>
        {
            using var request = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var bytes = request.RootElement.GetProperty("max_tokens").GetInt64();
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var body = context.Response.Body;
            for (var blocks = bytes / Block.Length; blocks > 0; blocks--)
            {
                await body.WriteAsync(Block, context.RequestAborted);
            }

            await body.WriteAsync(Ending(bytes), context.RequestAborted);
        });
        await app.StartAsync();
        var firehose = new SseFirehose(app)
        {
            Url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single(),
        };
        return firehose;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The usage event (one completion token per chunk event) and the end of the stream.</summary>
    private static byte[] Ending(long bytes)
    {
        var tokens = bytes / Block.Length * (Block.Length / Event.Length);
        var usage = string.Create(CultureInfo.InvariantCulture, $"\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":{tokens},\"total_tokens\":{tokens + 3}}}");
        return Encoding.UTF8.GetBytes(
            $$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1765152000,"model":"{{Model}}","choices":[],{{usage}}}""" + "\n\ndata: [DONE]\n\n");
    }
}
