using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

public sealed class ApiKeyAuthTests : IAsyncLifetime
{
    private const string AliceKey = "alice-secret-key-0001";
    private const string BobKey = "bob-secret-key-0002";

    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync("model");

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    internal static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private object Section(object[] keys, object? apiKey = null, string? rateLimitPolicy = null) => new
    {
        AuthPolicies = new Dictionary<string, object>
        {
            ["keys"] = new { Type = "ApiKey", ApiKey = apiKey ?? new { Keys = keys } },
        },
        RateLimitPolicies = new Dictionary<string, object>
        {
            ["per-identity"] = new { Rate = "1/m", Burst = 1, Key = "identity" },
            ["per-plan"] = new { Rate = "1/m", Key = "identity", Plans = new Dictionary<string, string> { ["free"] = "2/m", ["pro"] = "4/m" } },
        },
        Routes = new object[]
        {
            new { Name = "predict", Matches = new[] { new { Path = "/predict" } }, Backends = new[] { "model" }, AuthPolicy = "keys", RateLimitPolicy = rateLimitPolicy },
            new { Name = "open", Matches = new[] { new { Path = "/open" } }, Backends = new[] { "model" } },
        },
        Backends = new Dictionary<string, object> { ["model"] = new { Endpoints = new[] { _backend.Url } } },
    };

    private static object[] Keys(params (string Id, string Key, string? Tenant)[] keys) =>
        [.. keys.Select(k => new { k.Id, Hash = Hash(k.Key), k.Tenant, Plan = "pro" })];

    private static object[] PlanKeys(params (string Id, string Key, string? Plan)[] keys) =>
        [.. keys.Select(k => new { k.Id, Hash = Hash(k.Key), k.Plan })];

    private static async Task<HttpResponseMessage> Send(TestGateway gateway, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task Anonymous_and_wrong_keys_get_401_with_a_challenge_and_never_reach_the_backend()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Keys(("alice", AliceKey, "acme"))));

        using var anonymous = await Send(gateway, "/predict");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("ApiKey realm=\"keys\"", anonymous.Headers.WwwAuthenticate.Single().ToString());
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (int)JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!["status"]!);

        using var wrong = await Send(gateway, "/predict", ("X-Api-Key", "not-a-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("ApiKey realm=\"keys\", error=\"invalid_key\"", wrong.Headers.WwwAuthenticate.Single().ToString());

        // The hash itself is not a key: knowing /config's contents must not let anyone in.
        using var hashAsKey = await Send(gateway, "/predict", ("X-Api-Key", Hash(AliceKey)));
        Assert.Equal(HttpStatusCode.Unauthorized, hashAsKey.StatusCode);

        Assert.Equal(0, _backend.RequestCount);
        using var open = await Send(gateway, "/open");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task Valid_key_reaches_the_backend_with_identity_headers_and_without_the_key()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Keys(("alice", AliceKey, "acme"))));

        using var response = await Send(gateway, "/predict", ("X-Api-Key", AliceKey), ("X-Auth-Subject", "admin"), ("X-Auth-Tenant", "other"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await BackendEcho.ReadAsync(response);
        Assert.Equal("alice", echo.Headers["x-auth-subject"]);
        Assert.Equal("alice", echo.Headers["x-auth-key-id"]);
        Assert.Equal("acme", echo.Headers["x-auth-tenant"]);
        Assert.Equal("pro", echo.Headers["x-auth-plan"]);
        Assert.False(echo.Headers.ContainsKey("x-api-key"));

        using var bearer = await Send(gateway, "/predict", ("Authorization", $"Bearer {AliceKey}"));
        var bearerEcho = await BackendEcho.ReadAsync(bearer);
        Assert.Equal("alice", bearerEcho.Headers["x-auth-key-id"]);
        Assert.False(bearerEcho.Headers.ContainsKey("authorization"));

        var config = await gateway.Admin.GetStringAsync("/config");
        Assert.DoesNotContain(AliceKey, config);
    }

    [Fact]
    public async Task Spoofed_identity_headers_are_removed_even_when_the_key_has_no_tenant()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Keys(("bob", BobKey, null))));

        using var response = await Send(gateway, "/predict", ("X-Api-Key", BobKey), ("X-Auth-Tenant", "spoofed"), ("x-auth-key-id", "alice"));
        var echo = await BackendEcho.ReadAsync(response);
        Assert.Equal("bob", echo.Headers["x-auth-key-id"]);
        Assert.False(echo.Headers.ContainsKey("x-auth-tenant"));
    }

    [Fact]
    public async Task Query_parameter_key_is_accepted_and_stripped_and_credentials_may_be_forwarded()
    {
        var apiKey = new { Header = "X-Model-Key", QueryParameter = "api_key", Bearer = false, Keys = Keys(("alice", AliceKey, null)) };
        await using var gateway = await TestGateway.StartAsync(Section([], apiKey));

        using var viaQuery = await Send(gateway, $"/predict?api_key={AliceKey}&x=1");
        var echo = await BackendEcho.ReadAsync(viaQuery);
        Assert.Equal("?x=1", echo.Query);
        Assert.Equal("alice", echo.Headers["x-auth-subject"]);

        using var bearer = await Send(gateway, "/predict", ("Authorization", $"Bearer {AliceKey}"));
        Assert.Equal(HttpStatusCode.Unauthorized, bearer.StatusCode);

        using var header = await Send(gateway, "/predict", ("X-Model-Key", AliceKey));
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
    }

    [Fact]
    public async Task Reloaded_keys_take_effect_at_once_and_a_bad_reload_keeps_the_old_keys()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Keys(("alice", AliceKey, null))));
        using (var before = await Send(gateway, "/predict", ("X-Api-Key", AliceKey)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await gateway.ReloadAsync(Section(Keys(("bob", BobKey, null))));
        using (var revoked = await Send(gateway, "/predict", ("X-Api-Key", AliceKey)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }

        using (var added = await Send(gateway, "/predict", ("X-Api-Key", BobKey)))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        var rejected = await gateway.ReloadAsync(Section([new { Id = "carol", Hash = "carol-plaintext" }]));
        var problem = Assert.Single(rejected["lastRejected"]!["problems"]!.AsArray())!.GetValue<string>();
        Assert.Contains("auth policy 'keys'", problem);
        Assert.Contains("ApiKey.Keys[0].Hash", problem);
        using var still = await Send(gateway, "/predict", ("X-Api-Key", BobKey));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Identity_rate_limit_gives_every_key_its_own_bucket()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Keys(("alice", AliceKey, null), ("bob", BobKey, null)), rateLimitPolicy: "per-identity"));

        async Task<HttpStatusCode> Status(string key)
        {
            using var response = await Send(gateway, "/predict", ("X-Api-Key", key));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Status(AliceKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(AliceKey));
        Assert.Equal(HttpStatusCode.OK, await Status(BobKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Status(BobKey));

        // Refused callers are answered by auth before they can spend anyone's tokens.
        Assert.Equal(HttpStatusCode.Unauthorized, await Status("guess"));
    }

    [Fact]
    public async Task Per_plan_limits_give_keys_of_different_plans_different_budgets()
    {
        const string CarolKey = "carol-secret-key-0003";
        var keys = PlanKeys(("alice", AliceKey, "free"), ("bob", BobKey, "pro"), ("carol", CarolKey, "unlisted"));
        await using var gateway = await TestGateway.StartAsync(Section(keys, rateLimitPolicy: "per-plan"));

        async Task<int> Admitted(string key)
        {
            var admitted = 0;
            for (var i = 0; i < 6; i++)
            {
                using var response = await Send(gateway, "/predict", ("X-Api-Key", key));
                admitted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }

            return admitted;
        }

        Assert.Equal(2, await Admitted(AliceKey));
        Assert.Equal(4, await Admitted(BobKey));
        Assert.Equal(1, await Admitted(CarolKey));

        using var pro = await Send(gateway, "/predict", ("X-Api-Key", BobKey));
        Assert.Equal("\"per-plan\";q=4;w=60", pro.Headers.GetValues("RateLimit-Policy").Single());
    }

    [Fact]
    public async Task Auth_decisions_are_counted_by_route_policy_and_result_without_key_values()
    {
        await using var gateway = await TestGateway.StartAsync(Section(Keys(("alice", AliceKey, null))));
        (await Send(gateway, "/predict", ("X-Api-Key", AliceKey))).Dispose();
        (await Send(gateway, "/predict", ("X-Api-Key", "wrong-key-value"))).Dispose();
        (await Send(gateway, "/predict")).Dispose();

        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Matches("gateway_auth_decisions_total\\{[^}]*policy=\"keys\"[^}]*result=\"allowed\"[^}]*route=\"predict\"[^}]*\\} 1", metrics);
        Assert.Matches("gateway_auth_decisions_total\\{[^}]*result=\"invalid\"[^}]*\\} 1", metrics);
        Assert.Matches("gateway_auth_decisions_total\\{[^}]*result=\"missing\"[^}]*\\} 1", metrics);
        Assert.DoesNotContain("wrong-key-value", metrics);
        Assert.DoesNotContain(AliceKey, metrics);
    }

    [Fact]
    public async Task Access_log_names_the_key_id_never_the_key()
    {
        var logFile = Path.Combine(Path.GetTempPath(), $"gateway-access-{Guid.NewGuid():N}.log");
        try
        {
            await using (var gateway = await TestGateway.StartAsync(Section(Keys(("alice", AliceKey, null))), "--Gateway:AccessLog:Enabled=true", $"--Gateway:AccessLog:Path={logFile}"))
            {
                (await Send(gateway, "/predict", ("X-Api-Key", AliceKey))).Dispose();
                (await Send(gateway, "/predict", ("X-Api-Key", BobKey))).Dispose();
            }

            var text = await File.ReadAllTextAsync(logFile);
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Equal(2, lines.Count);
            Assert.Equal("alice", (string)lines[0]["caller"]!);
            Assert.Equal(401, (int)lines[1]["status"]!);
            Assert.Null(lines[1]["caller"]);
            Assert.DoesNotContain(AliceKey, text);
            Assert.DoesNotContain(BobKey, text);
        }
        finally
        {
            File.Delete(logFile);
        }
    }
}
