using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Sources.File;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.RateLimiting;

public sealed class TokenBudgetPolicyValidationTests
{
    private static List<string> Problems(Dictionary<string, string?> settings)
    {
        settings["Routes:0:Name"] = "r";
        settings["Routes:0:Backends:0"] = "b";
        settings["Backends:b:Endpoints:0"] = "http://127.0.0.1:1";
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var snapshot = GatewayConfigReader.Read(section, "test", GatewayConfigReader.RoutingKeys);
        return [.. (snapshot.Problems.IsEmpty ? ModelValidator.Validate(snapshot.Model) : [.. snapshot.Problems]).Select(p => p.ToString())];
    }

    [Fact]
    public void A_route_with_a_request_limit_and_a_token_budget_is_read_and_valid()
    {
        var settings = new Dictionary<string, string?>
        {
            ["RateLimitPolicies:requests:Rate"] = "60/m",
            ["RateLimitPolicies:tokens:Rate"] = "100000/m",
            ["RateLimitPolicies:tokens:Unit"] = "tokens",
            ["RateLimitPolicies:tokens:Key"] = "caller",
            ["RateLimitPolicies:tokens:Plans:pro"] = "500000/m",
            ["Routes:0:RateLimitPolicy"] = "requests",
            ["Routes:0:TokenLimitPolicy"] = "tokens",
        };

        Assert.Empty(Problems(settings));
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var model = GatewayConfigReader.Read(section, "test", GatewayConfigReader.RoutingKeys).Model;
        Assert.Equal(RateLimitUnit.Tokens, model.RateLimitPolicies["tokens"].Unit);
        Assert.Equal(RateLimitUnit.Requests, model.RateLimitPolicies["requests"].Unit);
        Assert.Equal("tokens", model.Routes[0].TokenLimitPolicy);
    }

    [Fact]
    public void Each_route_field_names_a_policy_of_its_unit()
    {
        var problems = Problems(new Dictionary<string, string?>
        {
            ["RateLimitPolicies:requests:Rate"] = "60/m",
            ["RateLimitPolicies:tokens:Rate"] = "100000/m",
            ["RateLimitPolicies:tokens:Unit"] = "Tokens",
            ["Routes:0:RateLimitPolicy"] = "tokens",
            ["Routes:0:TokenLimitPolicy"] = "requests",
        });

        Assert.Equal(
            [
                "test: route 'r', field 'RateLimitPolicy': policy 'tokens' counts Tokens; name a policy with Unit Requests here, or move it to TokenLimitPolicy",
                "test: route 'r', field 'TokenLimitPolicy': policy 'requests' counts Requests; name a policy with Unit Tokens here, or move it to RateLimitPolicy",
            ],
            problems);
    }

    [Fact]
    public void An_undefined_budget_and_a_queued_budget_are_refused()
    {
        Assert.Equal(
            ["test: route 'r', field 'TokenLimitPolicy': policy 'missing' is not defined in 'RateLimitPolicies'; defined policies: (none)"],
            Problems(new Dictionary<string, string?> { ["Routes:0:TokenLimitPolicy"] = "missing" }));

        var queued = Problems(new Dictionary<string, string?>
        {
            ["RateLimitPolicies:tokens:Rate"] = "1000/m",
            ["RateLimitPolicies:tokens:Unit"] = "Tokens",
            ["RateLimitPolicies:tokens:Queue"] = "5",
        });
        Assert.Contains(queued, p => p.Contains("rate-limit policy 'tokens', field 'Queue': is 5; a token budget cannot queue requests", StringComparison.Ordinal));
    }
}
