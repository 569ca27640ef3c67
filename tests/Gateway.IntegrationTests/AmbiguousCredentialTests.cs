using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>A request carrying a credential twice is refused, never authenticated by whichever value is read first.</summary>
public sealed class AmbiguousCredentialTests : IAsyncLifetime
{
    private const string AliceKey = "alice-ambiguous-key-0001";
    private const string BobKey = "bob-ambiguous-key-0002";
    private const string Issuer = "https://idp.example";
    private const string Audience = "models";

    private readonly TestSigningKey _signingKey = new("key-1");
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync("model");

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        _signingKey.Dispose();
    }

    private object Section() => new
    {
        AuthPolicies = new Dictionary<string, object>
        {
            ["keys"] = new
            {
                Type = "ApiKey",
                ApiKey = new
                {
                    QueryParameter = "api_key",
                    Keys = new[] { new { Id = "alice", Hash = ApiKeyAuthTests.Hash(AliceKey) }, new { Id = "bob", Hash = ApiKeyAuthTests.Hash(BobKey) } },
                },
            },
            ["tokens"] = new
            {
                Type = "Jwt",
                Jwt = new { Issuer, Audiences = new[] { Audience }, Jwks = JsonDocument.Parse(OidcServer.JwksJson(_signingKey)).RootElement },
            },
        },
        Routes = new object[]
        {
            new { Name = "keyed", Matches = new[] { new { Path = "/keyed" } }, Backends = new[] { "model" }, AuthPolicy = "keys" },
            new { Name = "token", Matches = new[] { new { Path = "/token" } }, Backends = new[] { "model" }, AuthPolicy = "tokens" },
            new { Name = "either", Matches = new[] { new { Path = "/either" } }, Backends = new[] { "model" }, AuthPolicy = new[] { "keys", "tokens" } },
        },
        Backends = new Dictionary<string, object> { ["model"] = new { Endpoints = new[] { _backend.Url } } },
    };

    private string Token(string subject) => TestTokens.Create(_signingKey, Issuer, Audience, subject: subject);

    private static async Task AssertAmbiguous(TestGateway gateway, string target, params string[] headerLines)
    {
        var response = await HeaderRulesTests.Exchange(gateway, $"GET {target} HTTP/1.1\r\nHost: localhost\r\n{string.Concat(headerLines.Select(line => line + "\r\n"))}Connection: close\r\n\r\n");
        Assert.Equal(401, RawHttp.StatusOf(response));
        Assert.Contains("application/problem+json", response);
        Assert.Contains("The credential is ambiguous", response);
    }

    [Fact]
    public async Task Two_api_key_headers_get_401_even_when_both_keys_are_valid()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        await AssertAmbiguous(gateway, "/keyed", $"X-Api-Key: {AliceKey}", $"X-Api-Key: {BobKey}");
        await AssertAmbiguous(gateway, "/keyed", $"X-Api-Key: {AliceKey}", $"x-api-key: {AliceKey}");
        Assert.Equal(0, _backend.RequestCount);

        var one = await HeaderRulesTests.Exchange(gateway, $"GET /keyed HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: {AliceKey}\r\nConnection: close\r\n\r\n");
        Assert.Equal(200, RawHttp.StatusOf(one));
    }

    [Fact]
    public async Task A_comma_list_of_keys_is_read_as_one_key_that_matches_nothing()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/keyed");
        request.Headers.TryAddWithoutValidation("X-Api-Key", $"{AliceKey}, {BobKey}");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _backend.RequestCount);
    }

    [Fact]
    public async Task A_key_repeated_in_the_query_gets_401()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        using var twice = await gateway.Client.GetAsync($"/keyed?api_key={AliceKey}&api_key={BobKey}");
        Assert.Equal(HttpStatusCode.Unauthorized, twice.StatusCode);
        Assert.Contains("ambiguous", (string)JsonNode.Parse(await twice.Content.ReadAsStringAsync())!["title"]!);
        Assert.Equal(0, _backend.RequestCount);

        using var once = await gateway.Client.GetAsync($"/keyed?api_key={AliceKey}");
        Assert.Equal(HttpStatusCode.OK, once.StatusCode);
    }

    [Fact]
    public async Task Two_authorization_headers_get_401_for_api_keys_and_tokens()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        await AssertAmbiguous(gateway, "/keyed", $"Authorization: Bearer {AliceKey}", $"Authorization: Bearer {BobKey}");
        await AssertAmbiguous(gateway, "/token", $"Authorization: Bearer {Token("alice")}", $"Authorization: Bearer {Token("mallory")}");
        Assert.Equal(0, _backend.RequestCount);

        var one = await HeaderRulesTests.Exchange(gateway, $"GET /token HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {Token("alice")}\r\nConnection: close\r\n\r\n");
        Assert.Equal(200, RawHttp.StatusOf(one));
    }

    [Fact]
    public async Task A_repeated_credential_is_refused_even_when_another_policy_of_the_route_would_allow()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        await AssertAmbiguous(gateway, "/either", $"X-Api-Key: {AliceKey}", $"X-Api-Key: {BobKey}", $"Authorization: Bearer {Token("alice")}");
        Assert.Equal(0, _backend.RequestCount);
    }
}
