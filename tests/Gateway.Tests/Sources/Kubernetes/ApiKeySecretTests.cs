using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Sources.File;
using Gateway.Sources.Kubernetes;
using Gateway.Sources.Kubernetes.Annotations;
using k8s.Models;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class ApiKeySecretTests
{
    private const string AliceKey = "alice-0123456789abcdef";

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    internal static V1Secret Secret(string name, Dictionary<string, string> data, string? policy = "keys", Dictionary<string, string>? annotations = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "ml",
            ResourceVersion = "7",
            Labels = new Dictionary<string, string> { [MlGatewayAnnotations.ApiKeyLabel] = "true" },
            Annotations = policy is null ? annotations : new Dictionary<string, string>(annotations ?? []) { [MlGatewayAnnotations.AuthPolicy] = policy },
        },
        Data = data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)),
    };

    private static SourceSnapshot Build(params V1Secret[] secrets) => new ApiKeySecretProcessor().Build(secrets.Select(ApiKeySecret.From));

    private static List<string> Warnings(SourceSnapshot snapshot) => [.. snapshot.Warnings.Select(w => w.ToString())];

    [Fact]
    public void The_key_is_hashed_on_arrival_its_bytes_zeroed_and_nothing_else_of_the_secret_is_kept()
    {
        var secret = Secret(
            "alice",
            new() { ["key"] = AliceKey, ["tenant"] = "acme\n", ["plan"] = "pro" },
            annotations: new() { ["kubectl.kubernetes.io/last-applied-configuration"] = "{\"data\":{\"key\":\"secret\"}}" });
        var keyBytes = secret.Data["key"];

        var hashed = ApiKeySecret.From(secret);

        Assert.Equal(Hash(AliceKey), hashed.Hash);
        Assert.All(keyBytes, b => Assert.Equal(0, b));
        Assert.Null(hashed.Metadata.Annotations);
        Assert.Equal(("ml", "alice", "7"), (hashed.Metadata.NamespaceProperty, hashed.Metadata.Name, hashed.Metadata.ResourceVersion));
        Assert.Equal(("acme", "pro", "keys"), (hashed.Tenant, hashed.Plan, hashed.Policies));
        Assert.DoesNotContain(AliceKey, System.Text.Json.JsonSerializer.Serialize(hashed), StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_becomes_a_grant_whose_id_defaults_to_the_secrets_namespace_and_name()
    {
        var snapshot = Build(
            Secret("bob", new() { ["key"] = "bob-0123456789abcdef", ["id"] = "bob", ["plan"] = "free" }),
            Secret("alice", new() { ["key"] = AliceKey }, policy: "keys, partners"));

        Assert.Empty(snapshot.Warnings);
        Assert.Equal(
            [("keys", "ml/alice", (string?)null), ("partners", "ml/alice", null), ("keys", "bob", "free")],
            snapshot.Model.ApiKeyGrants.Select(g => (g.Policy, g.Key.Id, g.Key.Plan)));
        Assert.Equal("Secret 'ml/alice'", snapshot.Model.ApiKeyGrants[0].Object);
    }

    [Theory]
    [InlineData("alice-0123456789abcdef\n", "data[key]", "ends with a line break")]
    [InlineData("short-key", "data[key]", "is 9 characters long; use at least 16")]
    [InlineData("alice 0123456789abcdef", "data[key]", "contains spaces")]
    [InlineData("", "data[key]", "is empty")]
    public void A_malformed_key_leaves_its_secret_out_with_a_warning_naming_the_field(string key, string field, string message)
    {
        var snapshot = Build(Secret("alice", new() { ["key"] = key }), Secret("bob", new() { ["key"] = "bob-0123456789abcdef" }));

        var warning = Assert.Single(snapshot.Warnings);
        Assert.Equal(("Secret 'ml/alice'", field), (warning.Object, warning.Field));
        Assert.Contains(message, warning.Message, StringComparison.Ordinal);
        Assert.Equal("ml/bob", Assert.Single(snapshot.Model.ApiKeyGrants).Key.Id);
    }

    [Fact]
    public void Missing_key_missing_policy_and_bad_metadata_are_each_reported()
    {
        var warnings = Warnings(Build(
            Secret("no-key", new() { ["token"] = AliceKey }),
            Secret("no-policy", new() { ["key"] = AliceKey }, policy: null),
            Secret("open", new() { ["key"] = AliceKey }, policy: "none"),
            Secret("bad-plan", new() { ["key"] = AliceKey, ["plan"] = "pro\u00e9" })));

        Assert.Equal(
            [
                "kubernetes api-key secrets: Secret 'ml/bad-plan', field 'data[plan]': must be printable ASCII: it is sent to the backend in a header; the key is not accepted until this is fixed",
                "kubernetes api-key secrets: Secret 'ml/no-key', field 'data[key]': is missing: the Secret must hold the API key under data key 'key' (kubectl create secret generic NAME --from-literal=key=...); the Secret has data keys token; the key is not accepted until this is fixed",
                "kubernetes api-key secrets: Secret 'ml/no-policy', field 'metadata.annotations[mlgateway.io/auth-policy]': is missing: name the ApiKey policy (declared in AuthPolicies) this key belongs to; the key is not accepted until this is fixed",
                "kubernetes api-key secrets: Secret 'ml/open', field 'metadata.annotations[mlgateway.io/auth-policy]': is 'none'; name the ApiKey policy this key belongs to; the key is not accepted until this is fixed",
            ],
            warnings);
    }

    [Fact]
    public void An_unchanged_set_of_secrets_gives_back_the_same_snapshot()
    {
        var processor = new ApiKeySecretProcessor();
        var secrets = new[] { ApiKeySecret.From(Secret("alice", new() { ["key"] = AliceKey })) };

        var first = processor.Build(secrets);

        Assert.Same(first, processor.Build(secrets));
        Assert.NotSame(first, processor.Build([]));
    }

    [Fact]
    public void Grants_join_their_apikey_policy_after_its_configured_keys_and_leave_the_model()
    {
        var grants = Build(Secret("alice", new() { ["key"] = AliceKey, ["plan"] = "pro" })).Model;
        var configured = new ApiKeyEntry { Id = "carol", Hash = Hash("carol-0123456789abcdef") };
        var config = new GatewayModel { AuthPolicies = Policies(ApiKeyPolicy("keys", configured)) };
        var warnings = new List<ModelProblem>();

        var merged = ApiKeyGrants.Fold(ModelMerger.Merge([grants, config]), warnings);

        Assert.Empty(warnings);
        Assert.Empty(merged.ApiKeyGrants);
        Assert.Equal(
            [configured, new ApiKeyEntry { Id = "ml/alice", Hash = Hash(AliceKey), Plan = "pro" }],
            merged.AuthPolicies["keys"].ApiKey!.Keys.ToArray());
        Assert.Empty(ModelValidator.Validate(merged));
    }

    [Fact]
    public void Grants_for_unknown_or_jwt_policies_or_taken_ids_and_keys_are_left_out_with_a_warning()
    {
        var grants = Build(
            Secret("a-unknown", new() { ["key"] = AliceKey }, policy: "nope"),
            Secret("b-jwt", new() { ["key"] = AliceKey }, policy: "tokens"),
            Secret("c-same-id", new() { ["key"] = "other-0123456789abcdef", ["id"] = "carol" }),
            Secret("d-same-key", new() { ["key"] = "carol-0123456789abcdef" }),
            Secret("e-fine", new() { ["key"] = AliceKey })).Model;
        var config = new GatewayModel
        {
            AuthPolicies = Policies(
                ApiKeyPolicy("keys", new ApiKeyEntry { Id = "carol", Hash = Hash("carol-0123456789abcdef").ToUpperInvariant() }),
                new AuthPolicy { Name = "tokens", Type = AuthPolicyType.Jwt, Jwt = new JwtAuth { Issuer = "i", Audiences = ["a"], Jwks = "{}" } }),
        };
        var warnings = new List<ModelProblem>();

        var merged = ApiKeyGrants.Fold(ModelMerger.Merge([config, grants]), warnings);

        Assert.Equal(["carol", "ml/e-fine"], merged.AuthPolicies["keys"].ApiKey!.Keys.Select(k => k.Id));
        Assert.Equal(
            [
                "kubernetes api-key secrets: Secret 'ml/a-unknown', field 'metadata.annotations[mlgateway.io/auth-policy]': policy 'nope' is not defined in 'AuthPolicies'; defined ApiKey policies: keys; the key is not accepted until this is fixed",
                "kubernetes api-key secrets: Secret 'ml/b-jwt', field 'metadata.annotations[mlgateway.io/auth-policy]': policy 'tokens' is a Jwt policy; keys can only be added to ApiKey policies (keys); the key is not accepted until this is fixed",
                "kubernetes api-key secrets: Secret 'ml/c-same-id', field 'data[id]': key id 'carol' is already used by another key of policy 'keys'; key ids must be unique per policy; the key is not accepted until this is fixed",
                "kubernetes api-key secrets: Secret 'ml/d-same-key', field 'data[key]': is the same key as another key of policy 'keys'; give every client its own key; the key is not accepted until this is fixed",
            ],
            warnings.Select(w => w.ToString()));
    }

    [Theory]
    [InlineData("""{ "Type": "ApiKey", "ApiKey": {} }""")]
    [InlineData("""{ "Type": "ApiKey" }""")]
    public void A_policy_whose_keys_all_come_from_secrets_needs_no_keys_in_configuration(string policy)
    {
        var json = $$"""{ "AuthPolicies": { "keys": {{policy}} } }""";
        var section = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

        var snapshot = GatewayConfigReader.Read(section, "file", GatewayConfigReader.RoutingKeys);

        Assert.Empty(snapshot.Problems);
        Assert.Empty(ModelValidator.Validate(snapshot.Model));
        Assert.Empty(snapshot.Model.AuthPolicies["keys"].ApiKey!.Keys);
    }

    private static AuthPolicy ApiKeyPolicy(string name, params ApiKeyEntry[] keys) =>
        new() { Name = name, Source = "file", Type = AuthPolicyType.ApiKey, ApiKey = new ApiKeyAuth { Keys = [.. keys] } };

    private static ImmutableDictionary<string, AuthPolicy> Policies(params AuthPolicy[] policies) =>
        policies.ToImmutableDictionary(p => p.Name, StringComparer.Ordinal);
}
