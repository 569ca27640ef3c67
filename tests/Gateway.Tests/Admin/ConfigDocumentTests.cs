using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Admin;
using Gateway.Model;

namespace Gateway.Tests.Admin;

public sealed class ConfigDocumentTests
{
    private const string KeyHash = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private const string GrantHash = "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";
    private const string Jwks = """{"keys":[{"kty":"oct","kid":"shared","k":"c2VjcmV0LWhtYWMta2V5LW1hdGVyaWFs"}]}""";
    private const string BackendAuthorization = "Bearer backend-credential-7f3a";
    private const string BasicAuthorization = "Basic dXNlcjpodW50ZXIy";
    private const string ResponseCookie = "session=server-side-secret-91c2";
    private const string PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    private const string CertificatePem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUXyz\n-----END CERTIFICATE-----\n";

    private const string EndpointPassword = "endpoint-password-4411";
    private const string DiscoveryPassword = "client-secret-8e2b";

    private static readonly string[] Secrets =
    [
        KeyHash, GrantHash, Jwks, "c2VjcmV0LWhtYWMta2V5LW1hdGVyaWFs", BackendAuthorization, BasicAuthorization, ResponseCookie,
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "MIIBszCCAVmgAwIBAgIUXyz", EndpointPassword, DiscoveryPassword,
    ];

    private static GatewayModel ModelWithEverySecret() => new()
    {
        Routes =
        [
            new RouteModel
            {
                Name = "predict",
                Backends = [new BackendRef("model", 1)],
                AuthPolicies = ["keys", "tokens"],
                Filters = new RouteFilters
                {
                    RequestHeaders = new HeaderModifier
                    {
                        Set = [KeyValuePair.Create("Authorization", BackendAuthorization)],
                        Add = [KeyValuePair.Create("X-Upstream-Auth", BasicAuthorization)],
                        Remove = ["X-Debug"],
                    },
                    ResponseHeaders = new HeaderModifier { Add = [KeyValuePair.Create("Set-Cookie", ResponseCookie)] },
                },
            },
        ],
        AuthPolicies = ImmutableDictionary<string, AuthPolicy>.Empty
            .Add("keys", new AuthPolicy { Name = "keys", Type = AuthPolicyType.ApiKey, ApiKey = new ApiKeyAuth { Keys = [new ApiKeyEntry { Id = "alice", Hash = KeyHash, Tenant = "acme" }] } })
            .Add("tokens", new AuthPolicy { Name = "tokens", Type = AuthPolicyType.Jwt, Jwt = new JwtAuth { Issuer = "https://idp.example", Jwks = Jwks } })
            .Add("oidc", new AuthPolicy { Name = "oidc", Type = AuthPolicyType.Jwt, Jwt = new JwtAuth { Discovery = $"https://client:{DiscoveryPassword}@idp.example/.well-known/openid-configuration" } }),
        Backends = ImmutableDictionary<string, BackendModel>.Empty.Add(
            "model",
            new BackendModel { Name = "model", Endpoints = [$"http://svc:{EndpointPassword}@10.0.0.7:8080", "http://10.0.0.8:8080/base"] }),
        ApiKeyGrants = [new ApiKeyGrant("keys", new ApiKeyEntry { Id = "bob", Hash = GrantHash }, "kubernetes", "Secret 'models/key-bob'", "metadata.labels", "data[key]", "metadata.name")],
        TlsCertificates =
        [
            new TlsCertificate { SecretNamespace = "models", SecretName = "web-tls", CertificatePem = Encoding.ASCII.GetBytes(CertificatePem), KeyPem = Encoding.ASCII.GetBytes(PrivateKeyPem) },
        ],
        TlsBindings = [new TlsBinding { SecretNamespace = "models", SecretName = "web-tls", Hostnames = ["models.example.com"] }],
    };

    private static string Serve(GatewayModel model) =>
        Encoding.UTF8.GetString(ConfigDocument.ToUtf8Json(ModelStatus.Initial with { Generation = 1, Model = model }, new { Problems = Array.Empty<string>() }, leadership: null));

    [Fact]
    public void No_secret_of_the_model_reaches_the_page()
    {
        var json = Serve(ModelWithEverySecret());

        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
            // Neither as JSON escapes nor as base64 of the bytes.
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Secrets_are_replaced_by_a_marker_that_keeps_the_structure()
    {
        var config = JsonNode.Parse(Serve(ModelWithEverySecret()))!;
        var model = config["model"]!;

        var key = model["authPolicies"]!["keys"]!["apiKey"]!["keys"]![0]!;
        Assert.Equal("alice", (string)key["id"]!);
        Assert.Equal("acme", (string)key["tenant"]!);
        Assert.Equal("(redacted)", (string)key["hash"]!);
        Assert.Equal("(redacted)", (string)model["apiKeyGrants"]![0]!["key"]!["hash"]!);
        Assert.Equal("(redacted)", (string)model["authPolicies"]!["tokens"]!["jwt"]!["jwks"]!);
        Assert.Equal("https://idp.example", (string)model["authPolicies"]!["tokens"]!["jwt"]!["issuer"]!);

        var filters = model["routes"]![0]!["filters"]!;
        var set = filters["requestHeaders"]!["set"]![0]!;
        Assert.Equal("Authorization", (string)set["key"]!);
        Assert.Equal("(redacted)", (string)set["value"]!);
        Assert.Equal("X-Upstream-Auth", (string)filters["requestHeaders"]!["add"]![0]!["key"]!);
        Assert.Equal("X-Debug", (string)filters["requestHeaders"]!["remove"]![0]!);
        Assert.Equal("(redacted)", (string)filters["responseHeaders"]!["add"]![0]!["value"]!);

        var endpoints = model["backends"]!["model"]!["endpoints"]!;
        Assert.Equal("http://(redacted)@10.0.0.7:8080", (string)endpoints[0]!);
        Assert.Equal("http://10.0.0.8:8080/base", (string)endpoints[1]!);
        Assert.Equal("https://(redacted)@idp.example/.well-known/openid-configuration", (string)model["authPolicies"]!["oidc"]!["jwt"]!["discovery"]!);

        Assert.Equal("web-tls", (string)model["tlsBindings"]![0]!["secretName"]!);
        Assert.Null(model["tlsCertificates"]);
    }

    [Fact]
    public void The_model_json_outside_the_admin_page_keeps_the_values()
    {
        // Route metadata and snapshots need the real values; only the admin page redacts.
        var json = System.Text.Json.JsonSerializer.Serialize(ModelWithEverySecret(), ModelJson.Options);

        Assert.Contains(KeyHash, json, StringComparison.Ordinal);
        Assert.Contains("backend-credential-7f3a", json, StringComparison.Ordinal);
    }
}
