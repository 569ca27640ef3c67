using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Sources.File;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Auth;

public sealed class AuthPolicyConfigTests
{
    private const string Hash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    private static (GatewayModel Model, List<ModelProblem> Problems) Read(Dictionary<string, string?> policy, params string[] routePolicies)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Routes:0:Name"] = "r",
            ["Routes:0:Backends:0"] = "b",
            ["Backends:b:Endpoints:0"] = "http://127.0.0.1:1",
        };
        for (var i = 0; i < routePolicies.Length; i++)
        {
            settings[routePolicies.Length == 1 ? "Routes:0:AuthPolicy" : $"Routes:0:AuthPolicy:{i}"] = routePolicies[i];
        }

        foreach (var (key, value) in policy)
        {
            settings[$"AuthPolicies:p:{key}"] = value;
        }

        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var snapshot = GatewayConfigReader.Read(section, "test", GatewayConfigReader.RoutingKeys);
        return (snapshot.Model, snapshot.Problems.IsEmpty ? ModelValidator.Validate(snapshot.Model) : [.. snapshot.Problems]);
    }

    private static string Single(Dictionary<string, string?> policy, params string[] routePolicies)
    {
        var problems = Read(policy, routePolicies.Length == 0 ? ["p"] : routePolicies).Problems;
        return Assert.Single(problems).ToString();
    }

    private static Dictionary<string, string?> Jwt(params (string Key, string? Value)[] fields)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Type"] = "Jwt", ["Jwt:Discovery"] = "https://idp.example/.well-known/openid-configuration", ["Jwt:Audiences:0"] = "models",
        };
        foreach (var (key, value) in fields)
        {
            if (value is null)
            {
                settings.Remove($"Jwt:{key}");
            }
            else
            {
                settings[$"Jwt:{key}"] = value;
            }
        }

        return settings;
    }

    [Fact]
    public void A_complete_api_key_policy_is_read_and_valid()
    {
        var (model, problems) = Read(new()
        {
            ["Type"] = "apikey", ["ForwardCredentials"] = "true", ["Headers:Tenant"] = "X-Org", ["Headers:Plan"] = "",
            ["ApiKey:Header"] = "X-Key", ["ApiKey:Bearer"] = "false", ["ApiKey:QueryParameter"] = "key",
            ["ApiKey:Keys:0:Id"] = "alice", ["ApiKey:Keys:0:Hash"] = Hash, ["ApiKey:Keys:0:Tenant"] = "acme", ["ApiKey:Keys:0:Plan"] = "pro",
        }, "p");

        Assert.Empty(problems);
        var policy = model.AuthPolicies["p"];
        Assert.Equal(AuthPolicyType.ApiKey, policy.Type);
        Assert.True(policy.ForwardCredentials);
        Assert.Equal(new IdentityHeaders { Tenant = "X-Org", Plan = "" }, policy.Headers);
        Assert.Equal("X-Key", policy.ApiKey!.Header);
        Assert.False(policy.ApiKey.Bearer);
        Assert.Equal("key", policy.ApiKey.QueryParameter);
        Assert.Equal(new ApiKeyEntry { Id = "alice", Hash = Hash, Tenant = "acme", Plan = "pro" }, Assert.Single(policy.ApiKey.Keys));
        Assert.Equal("p", Assert.Single(model.Routes[0].AuthPolicies));
    }

    [Fact]
    public void Route_policy_none_is_open_and_a_list_is_any_of()
    {
        Assert.Empty(Read(new() { ["Type"] = "ApiKey", ["ApiKey:Keys"] = null }, "none").Model.Routes[0].AuthPolicies);
        var message = Single(new() { ["Type"] = "ApiKey", ["ApiKey:Header"] = "X-Api-Key" }, "p", "none");
        Assert.Contains("route 'r'", message);
        Assert.Contains("AuthPolicy[1]", message);
        Assert.Contains("cannot be combined", message);
    }

    [Fact]
    public void Undefined_policy_names_the_route_and_the_defined_policies()
    {
        var message = Single(new() { ["Type"] = "ApiKey", ["ApiKey:Header"] = "X-Api-Key" }, "missing");
        Assert.Contains("route 'r'", message);
        Assert.Contains("AuthPolicy", message);
        Assert.Contains("'missing' is not defined", message);
        Assert.Contains("defined policies: p", message);
    }

    [Theory]
    [InlineData("Type", null, "Type", "is required")]
    [InlineData("ApiKey:Keys:0:Hash", "s3cret-plaintext", "ApiKey.Keys[0].Hash", "SHA-256")]
    [InlineData("ApiKey:Keys:0:Id", "", "ApiKey.Keys[0].Id", "is required")]
    [InlineData("ApiKey:Header", "Bad Header", "ApiKey.Header", "not a valid header name")]
    [InlineData("ApiKey:Keys:0:Tenant", "a\tb", "ApiKey.Keys[0].Tenant", "printable ASCII")]
    [InlineData("Headers:Subject", "X Sub", "Headers.Subject", "not a valid header name")]
    public void Bad_api_key_fields_name_policy_and_field(string key, string? value, string field, string text)
    {
        var policy = new Dictionary<string, string?> { ["Type"] = "ApiKey", ["ApiKey:Keys:0:Id"] = "a", ["ApiKey:Keys:0:Hash"] = Hash, [key] = value };
        var message = Single(policy);
        Assert.Contains("auth policy 'p'", message);
        Assert.Contains(field, message);
        Assert.Contains(text, message);
    }

    [Fact]
    public void Duplicate_key_ids_and_hashes_are_refused()
    {
        var (_, problems) = Read(new()
        {
            ["Type"] = "ApiKey",
            ["ApiKey:Keys:0:Id"] = "a", ["ApiKey:Keys:0:Hash"] = Hash,
            ["ApiKey:Keys:1:Id"] = "a", ["ApiKey:Keys:1:Hash"] = Hash.ToUpperInvariant(),
        }, "p");
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Field == "ApiKey.Keys[1].Id");
        Assert.Contains(problems, p => p.Field == "ApiKey.Keys[1].Hash");
    }

    [Theory]
    [InlineData("Algorithms:0", "HS256", "Jwt.Algorithms[0]", "asymmetric")]
    [InlineData("Algorithms:0", "none", "Jwt.Algorithms[0]", "asymmetric")]
    [InlineData("Discovery", "http://idp.example/.well-known/openid-configuration", "Jwt.Discovery", "not https")]
    [InlineData("Discovery", "idp.example", "Jwt.Discovery", "absolute")]
    [InlineData("ClockSkew", "10m", "Jwt.ClockSkew", "between 0 and 5 minutes")]
    [InlineData("RefreshInterval", "100ms", "Jwt.RefreshInterval", "at least 1s")]
    [InlineData("Audiences:0", null, "Jwt.Audiences", "is required")]
    [InlineData("Scopes:0", "a b", "Jwt.Scopes[0]", "contains a space")]
    [InlineData("JwksFile", "/etc/jwks.json", "Jwt", "2 key sources")]
    [InlineData("SubjectClaim", "", "Jwt.SubjectClaim", "is empty")]
    [InlineData("Scopes:0", "a\"b", "Jwt.Scopes[0]", "printable ASCII")]
    public void Bad_jwt_fields_name_policy_and_field(string key, string? value, string field, string text)
    {
        var message = Single(Jwt((key, value)));
        Assert.Contains("auth policy 'p'", message);
        Assert.Contains(field, message);
        Assert.Contains(text, message);
    }

    [Fact]
    public void Static_jwks_needs_an_issuer_and_a_parsable_document()
    {
        var settings = new Dictionary<string, string?> { ["Type"] = "Jwt", ["Jwt:Audiences:0"] = "models", ["Jwt:Jwks"] = "not json" };
        var problems = Read(settings, "p").Problems;
        Assert.Contains(problems, p => p.Field == "Jwt.Issuer");
        Assert.Contains(problems, p => p.Field == "Jwt.Jwks" && p.Message.Contains("not a JWKS document", StringComparison.Ordinal));
    }

    [Fact]
    public void Inline_jwks_object_is_read_back_as_json()
    {
        var (model, problems) = Read(new()
        {
            ["Type"] = "Jwt", ["Jwt:Issuer"] = "https://idp.example", ["Jwt:Audiences:0"] = "models",
            ["Jwt:Jwks:keys:0:kty"] = "RSA", ["Jwt:Jwks:keys:0:kid"] = "k1", ["Jwt:Jwks:keys:0:n"] = "AQAB", ["Jwt:Jwks:keys:0:e"] = "AQAB",
        }, "p");
        Assert.Empty(problems);
        Assert.Equal("{\"keys\":[{\"e\":\"AQAB\",\"kid\":\"k1\",\"kty\":\"RSA\",\"n\":\"AQAB\"}]}", model.AuthPolicies["p"].Jwt!.Jwks);
    }

    [Fact]
    public void Policy_named_none_is_reserved_and_unknown_fields_are_typos()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Routes:0:Name"] = "r", ["Routes:0:Backends:0"] = "b", ["Backends:b:Endpoints:0"] = "http://127.0.0.1:1",
            ["AuthPolicies:none:Type"] = "ApiKey", ["AuthPolicies:none:ApiKey:Header"] = "X-Api-Key",
            ["AuthPolicies:p:Type"] = "ApiKey", ["AuthPolicies:p:ApiKey:Keyz"] = "x",
        };
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var snapshot = GatewayConfigReader.Read(section, "test", GatewayConfigReader.RoutingKeys);
        Assert.Contains(snapshot.Problems, p => p.Field == "ApiKey.Keyz" && p.Object == "auth policy 'p'");
        Assert.Contains(ModelValidator.Validate(snapshot.Model), p => p.Object == "auth policy 'none'" && p.Message.Contains("reserved", StringComparison.Ordinal));
    }

    [Fact]
    public void Policy_names_are_safe_as_realm_and_metric_label()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AuthPolicies:a\"b:Type"] = "ApiKey", ["AuthPolicies:a\"b:ApiKey:Header"] = "X-Api-Key",
            ["AuthPolicies:ok-name_1.v2:Type"] = "ApiKey", ["AuthPolicies:ok-name_1.v2:ApiKey:Header"] = "X-Api-Key",
        };
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var problem = Assert.Single(ModelValidator.Validate(GatewayConfigReader.Read(section, "test", GatewayConfigReader.RoutingKeys).Model));
        Assert.Equal("Name", problem.Field);
        Assert.Contains("may only contain", problem.Message);
    }

    [Theory]
    [InlineData("identity", false, true)]
    [InlineData("ip+identity", true, true)]
    [InlineData("ip", true, false)]
    public void Rate_limit_key_may_name_the_identity(string text, bool ip, bool identity)
    {
        Assert.True(RateLimitKeySpec.TryParse(text, out var spec, out _));
        Assert.Equal(ip, spec.ClientIp);
        Assert.Equal(identity, spec.Identity);
    }

    [Fact]
    public void Rate_limit_plans_need_an_identity_key_and_valid_rates()
    {
        static (RateLimitPolicy Policy, List<ModelProblem> Problems) Read(string key, string proRate)
        {
            var settings = new Dictionary<string, string?>
            {
                ["RateLimitPolicies:l:Rate"] = "10/m", ["RateLimitPolicies:l:Key"] = key,
                ["RateLimitPolicies:l:Plans:free"] = "10/m", ["RateLimitPolicies:l:Plans:pro"] = proRate,
            };
            var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var snapshot = GatewayConfigReader.Read(section, "test", GatewayConfigReader.RoutingKeys);
            return (snapshot.Model.RateLimitPolicies["l"], ModelValidator.Validate(snapshot.Model));
        }

        var (policy, problems) = Read("identity", "600/m");
        Assert.Empty(problems);
        Assert.Equal("600/m", policy.Plans["pro"]);
        Assert.Equal("10/m", policy.Plans["free"]);
        var noIdentity = Assert.Single(Read("ip", "600/m").Problems);
        Assert.Equal("Plans", noIdentity.Field);
        Assert.Contains("rate-limit policy 'l'", noIdentity.ToString());
        var badRate = Assert.Single(Read("ip+identity", "lots").Problems);
        Assert.Equal("Plans.pro", badRate.Field);
    }
}
