using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Inference;

/// <summary>The body's model as a route match, through the real gateway, with backends that echo the bytes they got.</summary>
public sealed class ModelFromBodyTests : IAsyncLifetime
{
    // Nested objects and arrays (one holding its own "model"), escapes and non-ASCII text before the top-level model.
    private const string ChatBody = """
        {"messages":[{"role":"system","content":"You are \"helpful\".\n"},{"role":"user","content":"Grüße, {\"model\":\"llama-3\"} 日本"}],
         "tools":[{"type":"function","function":{"name":"f","parameters":{"model":{"type":"string"}}}}],
         "temperature":0.2,"seed":123456789012345678901234567890,"stream":false,
         "model" : "mistral-7b", "n":1}
        """;

    private TestBackend _llama = null!;
    private TestBackend _mistral = null!;
    private TestBackend _fallback = null!;

    public async Task InitializeAsync()
    {
        _llama = await BodyEcho.StartAsync("llama");
        _mistral = await BodyEcho.StartAsync("mistral");
        _fallback = await BodyEcho.StartAsync("fallback");
    }

    public async Task DisposeAsync()
    {
        await _llama.DisposeAsync();
        await _mistral.DisposeAsync();
        await _fallback.DisposeAsync();
    }

    private static object ModelMatch(string path, string model) =>
        new { Path = path, Headers = new[] { new { Name = BodyEcho.ModelHeader, Value = model } } };

    private object Section() => new
    {
        Routes = new object[]
        {
            new { Name = "llama", Matches = new[] { ModelMatch("/v1", "llama-3") }, Backends = new[] { "llama" } },
            new { Name = "mistral", Matches = new[] { ModelMatch("/v1", "mistral-7b") }, Backends = new[] { "mistral" } },
            new { Name = "custom", Matches = new[] { ModelMatch("/custom/generate", "llama-3") }, Backends = new[] { "llama" }, ModelFromBody = true },
            new { Name = "fallback", Matches = new[] { new { Path = "/" } }, Backends = new[] { "fallback" } },
        },
        Backends = new Dictionary<string, object>
        {
            ["llama"] = new { Endpoints = new[] { _llama.Url } },
            ["mistral"] = new { Endpoints = new[] { _mistral.Url } },
            ["fallback"] = new { Endpoints = new[] { _fallback.Url } },
        },
    };

    private static async Task<BodyEcho.Received> SendAsync(TestGateway gateway, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await BodyEcho.Received.ReadAsync(response);
        }
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/completions")]
    [InlineData("/v1/embeddings")]
    [InlineData("/v1/responses")]
    public async Task The_body_model_picks_the_route_and_the_body_is_forwarded_byte_for_byte(string path)
    {
        await using var gateway = await TestGateway.StartAsync(Section());
        var body = Encoding.UTF8.GetBytes(ChatBody);

        var received = await SendAsync(gateway, BodyEcho.Post(path, body));

        Assert.Equal("mistral", received.Backend);
        Assert.Equal("mistral-7b", received.ModelHeader);
        Assert.Equal(body, received.Body);
        Assert.Equal(body.Length.ToString(), received.ContentLength);
    }

    [Fact]
    public async Task A_chunked_body_sent_in_pieces_is_read_whole_and_forwarded_chunked()
    {
        await using var gateway = await TestGateway.StartAsync(Section());
        var body = Encoding.UTF8.GetBytes(ChatBody.Replace("mistral-7b", "llama-3"));

        var received = await SendAsync(gateway, BodyEcho.Post("/v1/chat/completions", body, chunked: true));

        Assert.Equal("llama", received.Backend);
        Assert.Equal("llama-3", received.ModelHeader);
        Assert.Equal(body, received.Body);
        Assert.Equal("chunked", received.TransferEncoding);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public async Task Json_with_parameters_or_another_case_is_json(string contentType)
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        var received = await SendAsync(gateway, BodyEcho.Post("/v1/completions", """{"model":"llama-3","prompt":"hi"}""", contentType));

        Assert.Equal("llama", received.Backend);
    }

    [Fact]
    public async Task A_client_model_header_is_replaced_or_removed_never_trusted()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        var forgedOnExtraction = BodyEcho.Post("/v1/chat/completions", """{"model":"llama-3"}""");
        forgedOnExtraction.Headers.Add(BodyEcho.ModelHeader, "mistral-7b");
        var extracted = await SendAsync(gateway, forgedOnExtraction);

        var forgedElsewhere = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        forgedElsewhere.Headers.Add(BodyEcho.ModelHeader, "mistral-7b");
        var elsewhere = await SendAsync(gateway, forgedElsewhere);

        var forgedOnText = BodyEcho.Post("/v1/chat/completions", "model: mistral-7b", "text/plain");
        forgedOnText.Headers.Add(BodyEcho.ModelHeader, "mistral-7b");
        var text = await SendAsync(gateway, forgedOnText);

        Assert.Equal(("llama", "llama-3"), (extracted.Backend, extracted.ModelHeader));
        Assert.Equal(("fallback", "(none)"), (elsewhere.Backend, elsewhere.ModelHeader));
        Assert.Equal(("fallback", "(none)"), (text.Backend, text.ModelHeader));
    }

    [Fact]
    public async Task Other_content_types_pass_through_untouched()
    {
        await using var gateway = await TestGateway.StartAsync(Section());
        var body = Encoding.UTF8.GetBytes("""{"model":"llama-3" this is not read""");

        var received = await SendAsync(gateway, BodyEcho.Post("/v1/chat/completions", body, "text/plain"));

        Assert.Equal("fallback", received.Backend);
        Assert.Equal(body, received.Body);
    }

    [Fact]
    public async Task A_route_turns_it_on_for_its_own_path_only()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        var own = await SendAsync(gateway, BodyEcho.Post("/custom/generate", """{"model":"llama-3"}"""));
        var other = await SendAsync(gateway, BodyEcho.Post("/custom/other", """{"model":"llama-3"}"""));
        var unreadBadJson = await SendAsync(gateway, BodyEcho.Post("/custom/other", "{not json"));

        Assert.Equal(("llama", "llama-3"), (own.Backend, own.ModelHeader));
        Assert.Equal(("fallback", "(none)"), (other.Backend, other.ModelHeader));
        Assert.Equal("fallback", unreadBadJson.Backend);
    }

    [Theory]
    [InlineData("{\"prompt\":\"hi\",", "The request body is not valid JSON")]
    [InlineData("", "The request body is not valid JSON: the body is empty")]
    [InlineData("[{\"model\":\"llama-3\"}]", "The request body must be a JSON object with a 'model' field; it is an array.")]
    [InlineData("{\"prompt\":\"hi\",\"options\":{\"model\":\"llama-3\"}}", "The request body has no top-level 'model' field.")]
    [InlineData("{\"model\":3}", "The request body's 'model' must be a string; it is a number.")]
    [InlineData("{\"model\":\"llama-3\",\"model\":\"mistral-7b\"}", "The request body has more than one top-level 'model' field.")]
    [InlineData("{\"model\":\"\"}", "The request body's 'model' must be 1 to 256 visible ASCII characters.")]
    public async Task A_body_without_a_usable_model_gets_400_naming_the_problem_and_nothing_is_forwarded(string body, string title)
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        using var response = await gateway.Client.SendAsync(BodyEcho.Post("/v1/chat/completions", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith(title, (string)problem["title"]!);
        Assert.Equal(400, (int)problem["status"]!);
        Assert.Equal(0, _llama.RequestCount + _mistral.RequestCount + _fallback.RequestCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_the_limit_gets_413_and_one_within_it_is_served(bool chunked)
    {
        await using var gateway = await TestGateway.StartAsync(Section(), "--Gateway:Inference:ModelFromBody:MaxBodySize=2048");
        string Body(int length)
        {
            var head = """{"model":"llama-3","prompt":" """;
            return head + new string('x', length - head.Length - 2) + "\"}";
        }

        using var tooLarge = await gateway.Client.SendAsync(BodyEcho.Post("/v1/completions", Body(2049), chunked: chunked));
        var atLimit = await SendAsync(gateway, BodyEcho.Post("/v1/completions", Body(2048), chunked: chunked));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        Assert.Contains("2048 bytes", (string)JsonNode.Parse(await tooLarge.Content.ReadAsStringAsync())!["title"]!);
        Assert.Equal(Encoding.UTF8.GetBytes(Body(2048)), atLimit.Body);
        Assert.Equal(1, _llama.RequestCount);
    }

    [Fact]
    public async Task Turned_off_no_body_is_read_and_the_client_header_is_still_removed()
    {
        await using var gateway = await TestGateway.StartAsync(Section(), "--Gateway:Inference:ModelFromBody:Enabled=false");
        var request = BodyEcho.Post("/v1/chat/completions", """{"model":"llama-3"}""");
        request.Headers.Add(BodyEcho.ModelHeader, "llama-3");

        var received = await SendAsync(gateway, request);

        Assert.Equal(("fallback", "(none)"), (received.Backend, received.ModelHeader));
    }
}
