using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>What the gateway does to every request's headers before routing, and to X-Forwarded-For, as the backend sees it.</summary>
public sealed class HeaderRulesTests : IAsyncLifetime
{
    private const string Key = "header-rules-key-0001";

    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync("model");

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private object Section(string customSubject = "X-User-Id") => new
    {
        AuthPolicies = new Dictionary<string, object>
        {
            ["keys"] = new
            {
                Type = "ApiKey",
                ApiKey = new { Keys = new[] { new { Id = "svc", Hash = ApiKeyAuthTests.Hash(Key) } } },
                Headers = new { Subject = customSubject },
            },
        },
        Routes = new object[]
        {
            new { Name = "open", Matches = new[] { new { Path = "/open" } }, Backends = new[] { "model" } },
            new { Name = "keyed", Matches = new[] { new { Path = "/keyed" } }, Backends = new[] { "model" }, AuthPolicy = "keys" },
            new
            {
                Name = "rewritten",
                Matches = new[] { new { Path = "/rewritten" } },
                Backends = new[] { "model" },
                Filters = new { UrlRewrite = new { Path = new { Type = "ReplacePrefixMatch", Value = "/" } } },
            },
            new
            {
                Name = "pro-only",
                Matches = new[] { new { Path = "/pro", Headers = new[] { new { Name = "X-Auth-Plan", Value = "pro" } } } },
                Backends = new[] { "model" },
            },
        },
        Backends = new Dictionary<string, object> { ["model"] = new { Endpoints = new[] { _backend.Url } } },
    };

    private static async Task<HttpResponseMessage> Send(TestGateway gateway, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await gateway.Client.SendAsync(request);
    }

    private static async Task<BackendEcho> Echo(TestGateway gateway, string path, params (string Name, string Value)[] headers)
    {
        using var response = await Send(gateway, path, headers);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BackendEcho.ReadAsync(response);
    }

    private static readonly (string Name, string Value)[] Forged =
    [
        ("X-Auth-Subject", "admin"),
        ("x-auth-key-id", "admin"),
        ("X-AUTH-TENANT", "other"),
        ("X-Auth-Plan", "enterprise"),
        ("X-User-Id", "admin"),
    ];

    private static readonly (string Name, string Value)[] ForgedWithUnderscores =
    [
        ("X_Auth_Subject", "admin"),
        ("x_auth_SUBJECT", "root"),
        ("X_Auth-Tenant", "other"),
        ("x_user_id", "admin"),
    ];

    private static void AssertNoIdentityHeaders(BackendEcho echo)
    {
        foreach (var name in echo.Headers.Keys)
        {
            Assert.False(name.Replace('_', '-') is "x-auth-subject" or "x-auth-key-id" or "x-auth-tenant" or "x-auth-plan" or "x-user-id", $"the backend received {name}");
        }
    }

    [Fact]
    public async Task Forged_identity_headers_never_reach_the_backend_of_an_open_route()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        var echo = await Echo(gateway, "/open", [.. Forged, .. ForgedWithUnderscores, ("X-Request-Note", "kept")]);
        AssertNoIdentityHeaders(echo);
        Assert.Equal("kept", echo.Headers["x-request-note"]);
    }

    [Fact]
    public async Task Identity_header_variants_are_removed_even_when_underscores_are_allowed()
    {
        await using var gateway = await TestGateway.StartAsync(Section(), "--Gateway:Headers:AllowUnderscores=true");

        var open = await Echo(gateway, "/open", [.. Forged, .. ForgedWithUnderscores, ("X_Model_Hint", "fast")]);
        AssertNoIdentityHeaders(open);
        Assert.Equal("fast", open.Headers["x_model_hint"]);

        // On a protected route only the gateway's own values arrive, under the policy's names.
        var keyed = await Echo(gateway, "/keyed", [("X-Api-Key", Key), .. ForgedWithUnderscores]);
        Assert.Equal("svc", keyed.Headers["x-user-id"]);
        Assert.Equal("svc", keyed.Headers["x-auth-key-id"]);
        Assert.DoesNotContain(keyed.Headers.Keys, name => name.Contains('_'));
        Assert.False(keyed.Headers.ContainsKey("x-auth-subject"));
        Assert.False(keyed.Headers.ContainsKey("x-auth-tenant"));
    }

    [Fact]
    public async Task A_header_name_a_reload_makes_an_identity_header_is_removed_from_then_on()
    {
        await using var gateway = await TestGateway.StartAsync(Section());
        Assert.Equal("yes", (await Echo(gateway, "/open", ("X-Caller", "yes"))).Headers["x-caller"]);

        await gateway.ReloadAsync(Section(customSubject: "X-Caller"));

        var echo = await Echo(gateway, "/open", ("X-Caller", "yes"), ("X-User-Id", "still-a-default-name?"));
        Assert.False(echo.Headers.ContainsKey("x-caller"));
        Assert.Equal("still-a-default-name?", echo.Headers["x-user-id"]);
    }

    [Fact]
    public async Task A_forged_identity_header_cannot_select_a_route()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        using var response = await Send(gateway, "/pro", ("X-Auth-Plan", "pro"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, _backend.RequestCount);
    }

    [Fact]
    public async Task Headers_with_underscores_are_dropped_by_default_and_kept_with_the_setting()
    {
        await using (var strict = await TestGateway.StartAsync(Section()))
        {
            var echo = await Echo(strict, "/open", ("X_Model_Hint", "fast"), ("X-Model-Hint", "slow"));
            Assert.False(echo.Headers.ContainsKey("x_model_hint"));
            Assert.Equal("slow", echo.Headers["x-model-hint"]);
        }

        await using var lenient = await TestGateway.StartAsync(Section(), "--Gateway:Headers:AllowUnderscores=true");
        var kept = await Echo(lenient, "/open", ("X_Model_Hint", "fast"), ("X-Model-Hint", "slow"));
        Assert.Equal("fast", kept.Headers["x_model_hint"]);
        Assert.Equal("slow", kept.Headers["x-model-hint"]);
    }

    [Fact]
    public async Task A_setting_that_is_not_a_boolean_stops_start_up_naming_the_key()
    {
        var ex = await Assert.ThrowsAsync<Gateway.Primitives.StartupException>(() => TestGateway.StartAsync(Section(), "--Gateway:Headers:AllowUnderscores=sometimes"));
        Assert.Contains("Gateway:Headers:AllowUnderscores", string.Join('\n', ex.Errors));
    }

    [Theory]
    [InlineData("\u0001")]
    [InlineData("\u0008")]
    [InlineData("\u000B")]
    [InlineData("\u000C")]
    [InlineData("\u001B")]
    [InlineData("\u001F")]
    [InlineData("\u007F")]
    [InlineData("\u00C3\u00A9")] // é as UTF-8: Kestrel decodes it, but the forwarder could only fail with 502
    public async Task Control_and_non_ascii_characters_in_a_header_value_are_refused_with_400(string bytes)
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        var response = await Exchange(gateway, $"GET /open HTTP/1.1\r\nHost: localhost\r\nX-Note: a{bytes}b\r\nConnection: close\r\n\r\n");
        Assert.Equal(400, RawHttp.StatusOf(response));
        Assert.Contains("application/problem+json", response);
        Assert.Contains("X-Note\\u0027 contains a control or non-ASCII character.", response);
        Assert.Equal(0, _backend.RequestCount);
    }

    [Fact]
    public async Task Tabs_and_visible_ascii_in_header_values_are_forwarded()
    {
        await using var gateway = await TestGateway.StartAsync(Section());

        var echo = await Echo(gateway, "/open", ("X-Note", "a\tb ~!\"#{}|"));
        Assert.Equal("a\tb ~!\"#{}|", echo.Headers["x-note"]);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_backend_gets_the_incoming_chain_with_the_proxy_appended()
    {
        await using var gateway = await TestGateway.StartAsync(Section(), "--Gateway:RateLimiting:TrustedProxies:0=127.0.0.1");

        var open = await Echo(gateway, "/open", ("X-Forwarded-For", "203.0.113.7, 10.1.2.3"));
        Assert.Equal("203.0.113.7, 10.1.2.3, 127.0.0.1", open.Headers["x-forwarded-for"]);
        Assert.Equal("http", open.Headers["x-forwarded-proto"]);
        Assert.StartsWith("127.0.0.1:", open.Headers["x-forwarded-host"]);

        // A route whose transforms already name X-Forwarded headers keeps the same chain and its own prefix header.
        var rewritten = await Echo(gateway, "/rewritten/x", ("X-Forwarded-For", "203.0.113.7"));
        Assert.Equal("203.0.113.7, 127.0.0.1", rewritten.Headers["x-forwarded-for"]);
        Assert.Equal("/rewritten", rewritten.Headers["x-forwarded-prefix"]);

        var direct = await Echo(gateway, "/open");
        Assert.Equal("127.0.0.1", direct.Headers["x-forwarded-for"]);
    }

    [Fact]
    public async Task From_an_untrusted_peer_the_forwarded_chain_is_replaced_by_the_peer()
    {
        await using var gateway = await TestGateway.StartAsync(Section(), "--Gateway:RateLimiting:TrustedProxies:0=10.0.0.0/8");

        var open = await Echo(gateway, "/open", ("X-Forwarded-For", "203.0.113.7, 10.1.2.3"));
        Assert.Equal("127.0.0.1", open.Headers["x-forwarded-for"]);
        var rewritten = await Echo(gateway, "/rewritten/x", ("X-Forwarded-For", "203.0.113.7"));
        Assert.Equal("127.0.0.1", rewritten.Headers["x-forwarded-for"]);
    }

    /// <summary>Sends raw bytes (Latin-1, one byte per char) and returns the whole response.</summary>
    internal static async Task<string> Exchange(TestGateway gateway, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, gateway.Client.BaseAddress!.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        return await RawHttp.ReadAllAsync(stream, TimeSpan.FromSeconds(10));
    }
}
