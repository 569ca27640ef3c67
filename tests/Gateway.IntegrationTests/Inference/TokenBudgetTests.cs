using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.ModelServerSimulator;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// Token budgets through the real gateway with a simulated model server: usage read from JSON and streamed responses,
/// charged to the caller after the response, 429 with <c>Retry-After</c> once a caller is in debt, and one budget shared
/// by two gateways over Redis. Requests of one client run one after another on one connection, so a response's charge
/// is done before the next request of that connection is read. Alone, because the metrics exporter of every gateway in
/// the process counts the instruments of all of them, and these tests assert exact token counts.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class TokenBudgetTests : IAsyncLifetime
{
    private const string AliceKey = "alice-secret-key-0001";
    private const string BobKey = "bob-secret-key-0002";

    // "Say something." is 14 characters, 3 prompt tokens to the simulator; with 60 completion tokens a request costs 63.
    private const int Cost = 63;

    private SimulatedModelServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await SimulatedModelServer.StartAsync("pod-0", new SimulatorOptions { TimePerOutputToken = TimeSpan.FromMilliseconds(1), PrefillTimePerPromptToken = TimeSpan.Zero });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private object Section(object budget, object? rateLimiting = null) => new
    {
        RateLimiting = rateLimiting,
        AuthPolicies = new Dictionary<string, object>
        {
            ["keys"] = new
            {
                Type = "ApiKey",
                ApiKey = new
                {
                    Keys = new[]
                    {
                        new { Id = "alice", Hash = ApiKeyAuthTests.Hash(AliceKey) },
                        new { Id = "bob", Hash = ApiKeyAuthTests.Hash(BobKey) },
                    },
                },
            },
        },
        RateLimitPolicies = new Dictionary<string, object> { ["tokens"] = budget },
        Routes = new[] { new { Name = "llm", Matches = new[] { new { Path = "/v1" } }, Backends = new[] { "llm" }, AuthPolicy = "keys", TokenLimitPolicy = "tokens" } },
        Backends = new Dictionary<string, object> { ["llm"] = new { Endpoints = new[] { _server.Url } } },
    };

    private static async Task<HttpResponseMessage> Complete(HttpClient client, string key, bool stream = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$$"""{"model":"sim-model","messages":[{"role":"user","content":"Say something."}],"max_tokens":60,"stream":{{{(stream ? "true" : "false")}}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("X-Api-Key", key);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>The same request to the Responses API: <c>input</c> and <c>max_output_tokens</c>.</summary>
    private static async Task<HttpResponseMessage> Respond(HttpClient client, string key, bool stream)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
        {
            Content = new StringContent(
                $$$"""{"model":"sim-model","input":"Say something.","max_output_tokens":60,"stream":{{{(stream ? "true" : "false")}}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("X-Api-Key", key);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static string Header(HttpResponseMessage response, string name) => string.Join(", ", response.Headers.GetValues(name));

    [Fact]
    public async Task A_caller_in_debt_gets_429_with_retry_after_while_another_caller_passes()
    {
        // 100 tokens an hour: one token refills every 36 s, so nothing refills during the test.
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "100/h", Burst = 100, Unit = "Tokens", Key = "caller" }));

        using var first = await Complete(gateway.Client, AliceKey);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var usage = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["usage"]!;
        Assert.Equal(Cost, (int)usage["prompt_tokens"]! + (int)usage["completion_tokens"]!);
        Assert.Equal("\"tokens\";q=100;w=3600", Header(first, "RateLimit-Policy"));
        Assert.Equal("\"tokens\";r=100;t=0", Header(first, "RateLimit"));

        // 37 left: still positive, so admitted, and charged its 63 into debt.
        using var second = await Complete(gateway.Client, AliceKey);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.StartsWith("\"tokens\";r=37;", Header(second, "RateLimit"), StringComparison.Ordinal);

        using var bob = await Complete(gateway.Client, BobKey);
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);

        using var refused = await Complete(gateway.Client, AliceKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("Too many tokens: token budget 'tokens'", (string)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["title"]!, StringComparison.Ordinal);
        // 26 tokens of debt plus one to be positive again, at 36 s a token.
        var retryAfter = int.Parse(Header(refused, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 27 * 36 - 2, 27 * 36);
        Assert.StartsWith("\"tokens\";r=0;", Header(refused, "RateLimit"), StringComparison.Ordinal);
        Assert.Equal(3, _server.Served);

        Assert.Equal(9, await ObservabilityTests.ScrapeAsync(gateway, "gateway_model_input_tokens_total", ("route", "llm")));
        Assert.Equal(180, await ObservabilityTests.ScrapeAsync(gateway, "gateway_model_output_tokens_total", ("route", "llm")));
    }

    [Fact]
    public async Task A_streamed_response_is_charged_from_its_last_event_which_the_gateway_asks_for()
    {
        var logFile = Path.Combine(Path.GetTempPath(), $"gateway-access-{Guid.NewGuid():N}.log");
        try
        {
            await using (var gateway = await TestGateway.StartAsync(
                Section(new { Rate = "100/h", Burst = 100, Unit = "Tokens", Key = "caller" }),
                "--Gateway:AccessLog:Enabled=true",
                $"--Gateway:AccessLog:Path={logFile}"))
            {
                for (var i = 0; i < 2; i++)
                {
                    // The client did not ask for usage; the gateway did, and the client gets the stream with it.
                    using var streamed = await Complete(gateway.Client, AliceKey, stream: true);
                    Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
                    Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
                    var events = await streamed.Content.ReadAsStringAsync();
                    Assert.Equal(60, events.Split("\"content\":\"tok \"").Length - 1);
                    Assert.EndsWith("\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":60,\"total_tokens\":63}}\n\ndata: [DONE]\n\n", events, StringComparison.Ordinal);
                }

                using var refused = await Complete(gateway.Client, AliceKey, stream: true);
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(15));

                Assert.Equal(2, await ObservabilityTests.ScrapeAsync(gateway, "gateway_model_time_to_first_token_seconds_count", ("route", "llm")));
                Assert.Equal(2, await ObservabilityTests.ScrapeAsync(gateway, "gateway_model_time_per_output_token_seconds_count", ("route", "llm")));
            }

            var lines = (await File.ReadAllLinesAsync(logFile)).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Equal(3, lines.Count);
            Assert.Equal("sim-model", (string)lines[0]["model"]!);
            Assert.Equal(3, (int)lines[0]["prompt_tokens"]!);
            Assert.Equal(60, (int)lines[0]["completion_tokens"]!);
            Assert.Null(lines[2]["completion_tokens"]);
        }
        finally
        {
            File.Delete(logFile);
        }
    }

    [Fact]
    public async Task A_responses_api_answer_is_charged_its_usage_whole_or_streamed()
    {
        await using var gateway = await TestGateway.StartAsync(Section(new { Rate = "100/h", Burst = 100, Unit = "Tokens", Key = "caller" }));

        using var whole = await Respond(gateway.Client, AliceKey, stream: false);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        var usage = JsonNode.Parse(await whole.Content.ReadAsStringAsync())!["usage"]!;
        Assert.Equal(Cost, (int)usage["input_tokens"]! + (int)usage["output_tokens"]!);
        Assert.Equal("\"tokens\";r=100;t=0", Header(whole, "RateLimit"));

        // 37 left. The stream is passed as the server sent it (a strict server refuses include_usage here with 400), and
        // charged from its response.completed event.
        using var streamed = await Respond(gateway.Client, AliceKey, stream: true);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("\"tokens\";r=37;", Header(streamed, "RateLimit"), StringComparison.Ordinal);
        var events = await streamed.Content.ReadAsStringAsync();
        Assert.Equal(60, events.Split("event: response.output_text.delta\n").Length - 1);
        Assert.Contains("event: response.completed\ndata: {\"type\":\"response.completed\"", events, StringComparison.Ordinal);
        Assert.EndsWith("\"usage\":{\"input_tokens\":3,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":60,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":63}}}\n\n", events, StringComparison.Ordinal);

        // 26 tokens of debt plus one to be positive again, at 36 s a token.
        using var refused = await Respond(gateway.Client, AliceKey, stream: true);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(Header(refused, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 27 * 36 - 2, 27 * 36);
        Assert.Equal(2, _server.Served);

        Assert.Equal(6, await ObservabilityTests.ScrapeAsync(gateway, "gateway_model_input_tokens_total", ("route", "llm")));
        Assert.Equal(120, await ObservabilityTests.ScrapeAsync(gateway, "gateway_model_output_tokens_total", ("route", "llm")));
        Assert.Equal(1, await ObservabilityTests.ScrapeAsync(gateway, "gateway_model_time_to_first_token_seconds_count", ("route", "llm")));
    }

    [Fact]
    public async Task Without_a_budget_tokens_are_counted_per_model_and_the_stream_is_passed_as_the_server_sent_it()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new[]
            {
                new { Name = "metered", Matches = new[] { new { Path = "/v1", Headers = new[] { new { Name = "X-Gateway-Model-Name", Value = "sim-model" } } } }, Backends = new[] { "llm" } },
            },
            Backends = new Dictionary<string, object> { ["llm"] = new { Endpoints = new[] { _server.Url } } },
        });

        using var whole = await Complete(gateway.Client, AliceKey);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.False(whole.Headers.Contains("RateLimit"));

        // No budget asks for usage: the client that did not ask gets no usage event.
        using var streamed = await Complete(gateway.Client, AliceKey, stream: true);
        var events = await streamed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"usage\"", events, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", events, StringComparison.Ordinal);

        using var last = await Complete(gateway.Client, AliceKey);
        Assert.Equal(6, await ObservabilityTests.ScrapeAsync(gateway, "gateway_model_input_tokens_total", ("route", "metered"), ("model", "sim-model"), ("variant", "sim-model")));
        Assert.Equal(120, await ObservabilityTests.ScrapeAsync(gateway, "gateway_model_output_tokens_total", ("route", "metered"), ("model", "sim-model")));
    }

    [Fact]
    public async Task A_global_budget_is_shared_by_two_gateways()
    {
        await using var redis = await RedisServer.StartAsync();
        var section = Section(new { Rate = "100/h", Burst = 100, Unit = "Tokens", Key = "caller", Mode = "Global", FailMode = "Closed", Timeout = "1s" }, new { Redis = redis.ConnectionString });
        await using var a = await TestGateway.StartAsync(section);
        await using var b = await TestGateway.StartAsync(section);

        using var onA = await Complete(a.Client, AliceKey);
        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        using var onB = await Complete(b.Client, AliceKey);
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.StartsWith("\"tokens\";r=37;", Header(onB, "RateLimit"), StringComparison.Ordinal);

        // Bob's request on b's connection is read only once Alice's request there has been charged.
        using var bob = await Complete(b.Client, BobKey);
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);

        using var refused = await Complete(a.Client, AliceKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
    }
}
