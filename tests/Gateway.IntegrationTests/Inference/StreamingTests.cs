using System.Net;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// Server-Sent Events from a model server through the gateway: each event reaches the client as the backend sends it,
/// and a client that goes away cancels the backend's request. The backend waits on the test, never on a clock.
/// </summary>
public sealed class StreamingTests : IAsyncLifetime
{
    // Generous bound on each step, so a broken build fails instead of hanging; a passing run never waits on it.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _firstEventRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _backendSawCancellation = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync("vllm");
        _backend.Handler = StreamAsync;
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    /// <summary>Sends one event, then a second only once the test has read the first; or waits for the client to leave.</summary>
    private async Task StreamAsync(HttpContext context)
    {
        using var registration = context.RequestAborted.Register(() => _backendSawCancellation.TrySetResult());
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n");
        await context.Response.Body.FlushAsync();
        if (context.Request.Headers["x-test"] == "leave")
        {
            await _backendSawCancellation.Task;
            return;
        }

        if (context.Request.Headers["x-test"] == "slow-tokens")
        {
            // A generation longer than the backend's IdleTimeout, with every gap well inside it.
            for (var token = 0; token < 15; token++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), context.RequestAborted);
                await context.Response.WriteAsync($"data: {{\"token\":{token}}}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }

            await context.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        if (context.Request.Headers["x-test"] == "silent")
        {
            await _backendSawCancellation.Task;
            return;
        }

        await _firstEventRead.Task;
        await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\ndata: [DONE]\n\n");
    }

    private object Section(string? idleTimeout = null) => new
    {
        Routes = new object[]
        {
            new
            {
                Name = "llama",
                Matches = new[] { new { Path = "/v1", Headers = new[] { new { Name = BodyEcho.ModelHeader, Value = "llama-3" } } } },
                Backends = new[] { "vllm" },
            },
        },
        Backends = new Dictionary<string, object>
        {
            ["vllm"] = idleTimeout is null ? new { Endpoints = new[] { _backend.Url } } : new { Endpoints = new[] { _backend.Url }, IdleTimeout = idleTimeout },
        },
    };

    private static HttpRequestMessage Chat(string? test = null)
    {
        var request = BodyEcho.Post("/v1/chat/completions", """{"model":"llama-3","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        if (test is not null)
        {
            request.Headers.Add("x-test", test);
        }

        return request;
    }

    private static async Task<string> ReadEventAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        while (await reader.ReadLineAsync().WaitAsync(Guard) is { } line && line.Length > 0)
        {
            text.Append(line);
        }

        return text.ToString();
    }

    [Fact]
    public async Task The_first_event_reaches_the_client_before_the_backend_finishes()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        using var response = await gateway.Client.SendAsync(Chat(), HttpCompletionOption.ResponseHeadersRead).WaitAsync(Guard);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The backend has not finished: it sends the rest only after this event was read here.
        Assert.Equal("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}", await ReadEventAsync(reader));
        _firstEventRead.SetResult();
        Assert.Equal("data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}", await ReadEventAsync(reader));
        Assert.Equal("data: [DONE]", await ReadEventAsync(reader));
    }

    [Fact]
    public async Task A_client_that_leaves_mid_stream_cancels_the_backend_request()
    {
        await using var gateway = await TestGateway.StartAsync(Section());
        var response = await gateway.Client.SendAsync(Chat("leave"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(Guard);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await ReadEventAsync(reader));

        // Closing an unfinished HTTP/1.1 response closes its connection: the client is gone.
        reader.Dispose();
        response.Dispose();

        await _backendSawCancellation.Task.WaitAsync(Guard);
    }

    [Fact]
    public async Task A_generation_longer_than_the_idle_timeout_runs_to_its_end_while_tokens_keep_coming()
    {
        await using var gateway = await TestGateway.StartAsync(Section(idleTimeout: "2s"));

        using var response = await gateway.Client.SendAsync(Chat("slow-tokens"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(Guard);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<string>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (await ReadEventAsync(reader) is { Length: > 0 } data)
        {
            events.Add(data);
        }

        Assert.Equal(1 + 15 + 1, events.Count); // the first event, the fifteen tokens, [DONE]
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.True(started.Elapsed > TimeSpan.FromSeconds(2), $"the stream took {started.Elapsed}, not longer than the idle timeout");
    }

    [Fact]
    public async Task A_backend_that_falls_silent_mid_stream_is_cut_at_the_idle_timeout()
    {
        await using var gateway = await TestGateway.StartAsync(Section(idleTimeout: "1s"));

        using var response = await gateway.Client.SendAsync(Chat("silent"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(Guard);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await ReadEventAsync(reader));

        // The gateway gives up on the silent backend: the backend's request is cancelled and the client's stream ends
        // without the rest (an aborted response, since its headers were long sent).
        await _backendSawCancellation.Task.WaitAsync(Guard);
        await Assert.ThrowsAnyAsync<IOException>(() => reader.ReadToEndAsync().WaitAsync(Guard));
    }
}
