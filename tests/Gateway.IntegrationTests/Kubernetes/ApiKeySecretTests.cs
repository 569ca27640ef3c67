using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// API keys kept in Secrets of a fake API server admit, rotate and revoke on real routes to real loopback backends, and
/// the <c>mlgateway.io/auth-policy</c> Service annotation puts discovered routes behind a policy.
/// </summary>
public sealed class ApiKeySecretTests : KubernetesTest
{
    private const string AliceKey = "alice-4f1c2a9e7b3d5c80";
    private const string BobKey = "bob-9d8e7f6a5b4c3d2e1f";

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A Secret as docs/authentication.md tells users to make one: labelled, annotated with its policy, one key.</summary>
    private static JsonObject Secret(string name, string key, string policy = "keys", string? id = null, string? plan = null, bool labelled = true)
    {
        static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        var data = new JsonObject { ["key"] = Base64(key) };
        if (id is not null)
        {
            data["id"] = Base64(id);
        }

        if (plan is not null)
        {
            data["plan"] = Base64(plan);
        }

        var labels = new JsonObject();
        if (labelled)
        {
            labels["mlgateway.io/api-key"] = "true";
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = Namespace,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["mlgateway.io/auth-policy"] = policy,
                    ["kubectl.kubernetes.io/last-applied-configuration"] = new JsonObject { ["data"] = data.DeepClone() }.ToJsonString(),
                },
            },
            ["type"] = "Opaque",
            ["data"] = data,
        };
    }

    /// <summary>The policy <c>keys</c> declared in configuration with no keys of its own, a per-plan limit, and a route to backend a.</summary>
    private object Section(string? rateLimitPolicy = null) => new
    {
        AuthPolicies = new Dictionary<string, object> { ["keys"] = new { Type = "ApiKey" } },
        RateLimitPolicies = new Dictionary<string, object>
        {
            ["per-plan"] = new { Rate = "1/m", Key = "identity", Plans = new Dictionary<string, string> { ["free"] = "2/m", ["pro"] = "4/m" } },
        },
        Routes = new object[]
        {
            new { Name = "predict", Matches = new[] { new { Path = "/predict" } }, Backends = new[] { "a" }, AuthPolicy = "keys", RateLimitPolicy = rateLimitPolicy },
        },
        Backends,
    };

    private static async Task<HttpStatusCode> StatusAsync(KubernetesGateway k8s, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await k8s.Gateway.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static Task WaitForStatusAsync(KubernetesGateway k8s, string path, string? key, HttpStatusCode expected) =>
        Eventually.EqualAsync(expected, () => StatusAsync(k8s, path, key), $"GET {path} with {(key is null ? "no key" : "a key")}");

    [Fact]
    public async Task A_key_from_a_labelled_secret_admits_and_is_on_config_only_by_id()
    {
        Api.Apply(Secret("key-alice", AliceKey));
        Api.Apply(Secret("not-labelled", BobKey, labelled: false));
        await using var k8s = await KubernetesGateway.StartAsync(Api, Section());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/predict") { Headers = { { "X-Api-Key", AliceKey } } };
        using var response = await k8s.Gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await BackendEcho.ReadAsync(response);
        Assert.Equal("a", echo.Backend);
        Assert.Equal("default/key-alice", echo.Headers["x-auth-key-id"]);
        Assert.False(echo.Headers.ContainsKey("x-api-key"));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(k8s, "/predict", "not-" + AliceKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(k8s, "/predict", BobKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(k8s, "/predict", null));
        Assert.Equal(1, A.RequestCount);

        var config = (await k8s.ConfigAsync()).ToJsonString();
        Assert.Contains("{\"id\":\"default/key-alice\",\"hash\":\"(redacted)\"", config, StringComparison.Ordinal);
        Assert.DoesNotContain(Hash(AliceKey), config, StringComparison.Ordinal);
        Assert.DoesNotContain(AliceKey, config, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(AliceKey)), config, StringComparison.Ordinal);
        Assert.DoesNotContain(Hash(BobKey), config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_secret_rotates_the_key_and_deleting_it_revokes_the_key()
    {
        Api.Apply(Secret("key-alice", AliceKey));
        await using var k8s = await KubernetesGateway.StartAsync(Api, Section());
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(k8s, "/predict", AliceKey));

        const string Rotated = "alice-rotated-0a1b2c3d4e";
        Api.Apply(Secret("key-alice", Rotated));
        await WaitForStatusAsync(k8s, "/predict", AliceKey, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(k8s, "/predict", Rotated));

        Api.Delete("secrets", Namespace, "key-alice");
        await WaitForStatusAsync(k8s, "/predict", Rotated, HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(Hash(Rotated), (await k8s.ConfigAsync()).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plans_from_secret_metadata_give_two_keys_different_budgets()
    {
        Api.Apply(Secret("key-alice", AliceKey, id: "alice", plan: "free"));
        Api.Apply(Secret("key-bob", BobKey, id: "bob", plan: "pro"));
        await using var k8s = await KubernetesGateway.StartAsync(Api, Section(rateLimitPolicy: "per-plan"));

        async Task<int> Admitted(string key)
        {
            var admitted = 0;
            for (var i = 0; i < 6; i++)
            {
                admitted += await StatusAsync(k8s, "/predict", key) == HttpStatusCode.OK ? 1 : 0;
            }

            return admitted;
        }

        Assert.Equal(2, await Admitted(AliceKey));
        Assert.Equal(4, await Admitted(BobKey));
    }

    [Fact]
    public async Task A_bad_secret_is_reported_once_on_config_and_in_the_log_and_left_out_while_the_other_keys_work()
    {
        const string Newline = "carol-5e6f7a8b9c0d1e2f\n";
        Api.Apply(Secret("key-alice", AliceKey));
        Api.Apply(Secret("key-carol", Newline));
        Api.Apply(Secret("key-bob", BobKey, policy: "nope"));
        var logs = new CapturedLogs();
        await using var k8s = await KubernetesGateway.StartAsync(Api, Section(), builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
        });

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(k8s, "/predict", AliceKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(k8s, "/predict", BobKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(k8s, "/predict", Newline.Trim()));
        var warnings = await k8s.WarningsAsync();
        Assert.Contains("kubernetes api-key secrets: Secret 'default/key-carol', field 'data[key]': ends with a line break", warnings, StringComparison.Ordinal);
        Assert.Contains("kubernetes api-key secrets: Secret 'default/key-bob', field 'metadata.annotations[mlgateway.io/auth-policy]': policy 'nope' is not defined in 'AuthPolicies'; defined ApiKey policies: keys", warnings, StringComparison.Ordinal);
        var config = (await k8s.ConfigAsync()).ToJsonString();
        Assert.DoesNotContain(Newline.Trim(), config, StringComparison.Ordinal);
        Assert.DoesNotContain(BobKey, config, StringComparison.Ordinal);

        // Fixed, the Secret's key is accepted without a restart.
        Api.Apply(Secret("key-bob", BobKey));
        await WaitForStatusAsync(k8s, "/predict", BobKey, HttpStatusCode.OK);

        // Logged once each, naming the Secret; no key in any log line, at any level.
        Assert.Single(logs.Lines, l => l.Contains("Secret 'default/key-carol', field 'data[key]'", StringComparison.Ordinal));
        Assert.Single(logs.Lines, l => l.Contains("Secret 'default/key-bob'", StringComparison.Ordinal));
        foreach (var key in new[] { AliceKey, BobKey, Newline.Trim() })
        {
            Assert.DoesNotContain(key, logs.All, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(key)), logs.All, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_service_with_the_auth_policy_annotation_requires_a_key_and_one_without_does_not()
    {
        Api.Apply(Secret("key-alice", AliceKey));
        Api.Apply(Service("model-a", new() { ["mlgateway.io/auth-policy"] = "keys" }));
        Api.Apply(EndpointSlice("model-a-x1", "model-a", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("model-b"));
        Api.Apply(EndpointSlice("model-b-x1", "model-b", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api, Section());

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(k8s, "/model-a", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(k8s, "/model-a", BobKey));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(k8s, "/model-a", AliceKey));
        Assert.Equal("b", await k8s.AnswerAsync("/model-b"));
        Assert.Equal(1, A.RequestCount);

        // A policy that does not exist: the change is refused naming the Service's route, and nothing is served open.
        Api.Apply(Service("model-a", new() { ["mlgateway.io/auth-policy"] = "keyz" }));
        await Eventually.TrueAsync(async () => (await k8s.ConfigAsync())["lastRejected"] is not null, "the change to be rejected");
        var rejected = (await k8s.ConfigAsync())["lastRejected"]!;
        Assert.Equal("kubernetes services", rejected["source"]!.GetValue<string>());
        Assert.Contains(
            "kubernetes services: route 'service/default/model-a', field 'AuthPolicy': policy 'keyz' is not defined in 'AuthPolicies'; defined policies: keys",
            rejected["problems"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(k8s, "/model-a", null));

        // Annotation removed: the route is open again.
        Api.Apply(Service("model-a"));
        await WaitForStatusAsync(k8s, "/model-a", null, HttpStatusCode.OK);
    }
}
