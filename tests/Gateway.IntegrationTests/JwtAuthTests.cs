using System.Net;
using Gateway.Auth;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.IntegrationTests;

// Key refresh is rate-limited on the wall clock (RefreshInterval 1s), so these run apart from other timed tests.
[Collection(SerialCollection.Name)]
public sealed class JwtAuthTests : IAsyncLifetime
{
    private const string Audience = "models";

    private readonly TestSigningKey _key = new("key-1");
    private TestBackend _backend = null!;
    private OidcServer _idp = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync("model");
        _idp = await OidcServer.StartAsync(_key);
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _idp.DisposeAsync();
        _key.Dispose();
    }

    private object Section(object jwt, object? routeAuth = null, object? extraPolicies = null)
    {
        var policies = new Dictionary<string, object> { ["oidc"] = new { Type = "Jwt", Jwt = jwt } };
        if (extraPolicies is Dictionary<string, object> extra)
        {
            foreach (var (name, policy) in extra)
            {
                policies[name] = policy;
            }
        }

        return new
        {
            AuthPolicies = policies,
            Routes = new object[]
            {
                new { Name = "predict", Matches = new[] { new { Path = "/predict" } }, Backends = new[] { "model" }, AuthPolicy = routeAuth ?? "oidc" },
            },
            Backends = new Dictionary<string, object> { ["model"] = new { Endpoints = new[] { _backend.Url } } },
        };
    }

    private object Discovery(string[]? scopes = null, string refresh = "1s") => new
    {
        Discovery = _idp.DiscoveryUrl,
        RequireHttps = false,
        Audiences = new[] { Audience },
        Scopes = scopes ?? [],
        RefreshInterval = refresh,
        TenantClaim = "org",
    };

    private static async Task<HttpResponseMessage> Send(TestGateway gateway, string? token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/predict");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await gateway.Client.SendAsync(request);
    }

    private string Token(TestSigningKey? key = null, string? issuer = null, string audience = Audience, DateTime? expires = null, DateTime? notBefore = null, IDictionary<string, object>? claims = null) =>
        TestTokens.Create(key ?? _key, issuer ?? _idp.Issuer, audience, expires: expires, notBefore: notBefore, claims: claims);

    private static async Task AssertRefused(TestGateway gateway, string? token, string description)
    {
        using var response = await Send(gateway, token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single().ToString();
        Assert.StartsWith("Bearer realm=\"oidc\", error=\"invalid_token\"", challenge);
        Assert.True(challenge.Contains(description, StringComparison.Ordinal), challenge);
    }

    [Fact]
    public async Task Valid_token_from_the_discovery_keys_reaches_the_backend_with_the_subject()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Discovery()));

        using var response = await Send(gateway, Token(claims: new Dictionary<string, object> { ["org"] = "acme" }), ("X-Auth-Subject", "admin"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await BackendEcho.ReadAsync(response);
        Assert.Equal("user-1", echo.Headers["x-auth-subject"]);
        Assert.Equal("acme", echo.Headers["x-auth-tenant"]);
        Assert.False(echo.Headers.ContainsKey("x-auth-key-id"));
        Assert.False(echo.Headers.ContainsKey("authorization"));

        using var anonymous = await Send(gateway, null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer realm=\"oidc\"", anonymous.Headers.WwwAuthenticate.Single().ToString());
        Assert.Equal(1, _backend.RequestCount);
    }

    [Fact]
    public async Task Expired_not_yet_valid_wrong_audience_and_wrong_issuer_tokens_get_401()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Discovery()));
        var now = DateTime.UtcNow;

        await AssertRefused(gateway, Token(expires: now.AddMinutes(-5), notBefore: now.AddMinutes(-10)), "expired");
        await AssertRefused(gateway, Token(notBefore: now.AddMinutes(5), expires: now.AddMinutes(10)), "not valid yet");
        await AssertRefused(gateway, Token(audience: "billing"), "audience");
        await AssertRefused(gateway, Token(issuer: "http://evil.example"), "issuer");
        await AssertRefused(gateway, "not.a.jwt", "malformed");
        Assert.Equal(0, _backend.RequestCount);
    }

    [Fact]
    public async Task Alg_none_and_hmac_signed_with_the_public_key_are_rejected()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Discovery()));
        using (var valid = await Send(gateway, Token()))
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }

        await AssertRefused(gateway, TestTokens.Unsigned(_idp.Issuer, Audience), "not valid");
        await AssertRefused(gateway, TestTokens.HmacWithPublicKey(_key, _idp.Issuer, Audience), "signature is not valid");
        Assert.Equal(1, _backend.RequestCount);
    }

    [Fact]
    public async Task Missing_scope_gets_403_insufficient_scope()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Discovery(scopes: ["predict", "models:read"])));

        using var lacking = await Send(gateway, Token(claims: new Dictionary<string, object> { ["scope"] = "predict" }));
        Assert.Equal(HttpStatusCode.Forbidden, lacking.StatusCode);
        var challenge = lacking.Headers.WwwAuthenticate.Single().ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge);
        Assert.Contains("scope=\"predict models:read\"", challenge);

        using var granted = await Send(gateway, Token(claims: new Dictionary<string, object> { ["scope"] = "models:read predict other" }));
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);

        using var scp = await Send(gateway, Token(claims: new Dictionary<string, object> { ["scp"] = new[] { "predict", "models:read" } }));
        Assert.Equal(HttpStatusCode.OK, scp.StatusCode);
        Assert.Equal(2, _backend.RequestCount);
    }

    [Fact]
    public async Task Rotated_key_is_fetched_on_unknown_kid_and_unknown_kids_cannot_flood_the_provider()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Discovery(refresh: "1s")));
        using (var first = await Send(gateway, Token()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal(1, _idp.JwksRequests);
        using var rotated = new TestSigningKey("key-2");
        using var unpublished = new TestSigningKey("key-3");

        // Forged kids: at most one fetch per refresh interval, however many arrive.
        await Task.Delay(1100);
        for (var i = 0; i < 20; i++)
        {
            using var forged = await Send(gateway, Token(unpublished));
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        // One fetch for the first forged kid; a second only if the loop outlasted the interval on a loaded machine.
        Assert.InRange(_idp.JwksRequests, 2, 3);
        var fetches = _idp.JwksRequests;

        _idp.Rotate(rotated);
        await Task.Delay(1100);
        using (var afterRotation = await Send(gateway, Token(rotated)))
        {
            Assert.Equal(HttpStatusCode.OK, afterRotation.StatusCode);
        }

        Assert.Equal(fetches + 1, _idp.JwksRequests);

        // The old key is no longer published, so its tokens stop working.
        await AssertRefused(gateway, Token(_key), "unknown key");
    }

    [Fact]
    public async Task While_the_provider_is_down_the_last_good_keys_keep_working()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Discovery(refresh: "1s")));
        using (var first = await Send(gateway, Token()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        _idp.SetDown(true);
        using var unpublished = new TestSigningKey("key-9");
        await Task.Delay(1100);
        var asked = _idp.DiscoveryRequests;

        // An unknown kid makes the gateway ask again (IdentityModel retries a 503 once); the provider fails, so that
        // token is refused ...
        await AssertRefused(gateway, Token(unpublished), "unknown key");
        Assert.InRange(_idp.DiscoveryRequests, asked + 1, asked + 2);

        // ... and tokens signed with the keys fetched before still pass (a new token, so no cached verdict answers).
        using var stillValid = await Send(gateway, Token(claims: new Dictionary<string, object> { ["org"] = "acme" }));
        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        Assert.Equal(1, _idp.JwksRequests);
    }

    [Fact]
    public async Task Keys_are_never_fetched_over_http_unless_the_policy_allows_it()
    {
        using var http = new HttpClient();
        var strict = SigningKeySources.FromDiscovery(new JwtAuth { Discovery = _idp.DiscoveryUrl, Audiences = [Audience] }, http, NullLogger.Instance);
        await Assert.ThrowsAsync<InvalidOperationException>(() => strict.GetConfigurationAsync(CancellationToken.None));
        Assert.Equal(0, _idp.DiscoveryRequests);

        var loopback = SigningKeySources.FromDiscovery(new JwtAuth { Discovery = _idp.DiscoveryUrl, Audiences = [Audience], RequireHttps = false }, http, NullLogger.Instance);
        var keys = await loopback.GetConfigurationAsync(CancellationToken.None);
        Assert.Equal(["key-1"], keys.SigningKeys.Select(k => k.KeyId).ToArray());
        Assert.Equal(_idp.Issuer, keys.Issuer);
    }

    [Fact]
    public async Task Static_jwks_inline_and_from_a_file_validate_tokens_without_a_provider()
    {
        var file = Path.Combine(Path.GetTempPath(), $"jwks-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, OidcServer.JwksJson(_key));
        try
        {
            var inline = System.Text.Json.JsonDocument.Parse(OidcServer.JwksJson(_key)).RootElement;
            await using var gateway = await TestGateway.StartAsync(Section(
                new { Issuer = "https://idp.example", Audiences = new[] { Audience }, Jwks = inline },
                routeAuth: new[] { "fromfile", "oidc" },
                extraPolicies: new Dictionary<string, object>
                {
                    ["fromfile"] = new { Type = "Jwt", Jwt = new { Issuer = "https://other.example", Audiences = new[] { Audience }, JwksFile = file } },
                }));

            using var inlineToken = await Send(gateway, Token(issuer: "https://idp.example"));
            Assert.Equal(HttpStatusCode.OK, inlineToken.StatusCode);
            using var fileToken = await Send(gateway, Token(issuer: "https://other.example"));
            Assert.Equal(HttpStatusCode.OK, fileToken.StatusCode);
            using var neither = await Send(gateway, Token(issuer: "https://third.example"));
            Assert.Equal(HttpStatusCode.Unauthorized, neither.StatusCode);
            Assert.Equal(2, neither.Headers.WwwAuthenticate.Count);
            Assert.Equal(0, _idp.JwksRequests);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Any_of_route_accepts_an_api_key_or_a_token_and_challenges_for_both()
    {
        const string key = "service-account-key-42";
        var policies = new Dictionary<string, object>
        {
            ["keys"] = new { Type = "ApiKey", ApiKey = new { Keys = new[] { new { Id = "batch-job", Hash = ApiKeyAuthTests.Hash(key) } } } },
        };
        await using var gateway = await TestGateway.StartAsync(Section(Discovery(), routeAuth: new[] { "keys", "oidc" }, extraPolicies: policies));

        using var byKey = await Send(gateway, null, ("X-Api-Key", key));
        Assert.Equal("batch-job", (await BackendEcho.ReadAsync(byKey)).Headers["x-auth-subject"]);

        using var byToken = await Send(gateway, Token());
        Assert.Equal("user-1", (await BackendEcho.ReadAsync(byToken)).Headers["x-auth-subject"]);

        using var bearerKey = await Send(gateway, key);
        Assert.Equal("batch-job", (await BackendEcho.ReadAsync(bearerKey)).Headers["x-auth-key-id"]);

        using var neither = await Send(gateway, null);
        Assert.Equal(HttpStatusCode.Unauthorized, neither.StatusCode);
        Assert.Equal(["ApiKey realm=\"keys\"", "Bearer realm=\"oidc\""], neither.Headers.WwwAuthenticate.Select(h => h.ToString()).ToArray());
    }

    [Fact]
    public async Task Reloaded_policy_applies_at_once_and_keeps_the_fetched_keys()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Discovery()));
        var token = Token();
        using (var before = await Send(gateway, token))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await gateway.ReloadAsync(Section(Discovery(scopes: ["admin"])));
        using (var after = await Send(gateway, token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        }

        Assert.Equal(1, _idp.JwksRequests);
    }
}
