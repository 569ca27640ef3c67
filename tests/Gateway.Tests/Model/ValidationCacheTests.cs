using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Validation;

namespace Gateway.Tests.Model;

/// <summary>
/// A validation cache skips, for a route found clean before, only the rules that read the route alone: whatever the
/// route names elsewhere in the model is looked up again in each model it is offered in.
/// </summary>
public sealed class ValidationCacheTests
{
    private static readonly ImmutableDictionary<string, BackendModel> Backends = ImmutableDictionary<string, BackendModel>.Empty
        .Add("b", new BackendModel { Name = "b", Source = "s", Endpoints = ["http://10.0.0.1:80"] })
        .Add("shadow", new BackendModel { Name = "shadow", Source = "s", Endpoints = ["http://10.0.0.2:80"] });

    private static readonly ImmutableDictionary<string, RateLimitPolicy> RateLimits =
        ImmutableDictionary<string, RateLimitPolicy>.Empty.Add("limit", new RateLimitPolicy { Name = "limit", Rate = "10/s" });

    private static readonly ImmutableDictionary<string, AuthPolicy> AuthPolicies =
        ImmutableDictionary<string, AuthPolicy>.Empty.Add("keys", new AuthPolicy { Name = "keys", Type = AuthPolicyType.ApiKey, ApiKey = new ApiKeyAuth() });

    private static readonly RouteModel Route = new()
    {
        Name = "r",
        Source = "s",
        Matches = [new RouteMatch()],
        Filters = new RouteFilters { Mirrors = [new RequestMirror("shadow", 10)] },
        Backends = [new BackendRef("b")],
        RateLimitPolicy = "limit",
        AuthPolicies = ["keys"],
    };

    private static readonly GatewayModel Complete = new() { Routes = [Route], Backends = Backends, RateLimitPolicies = RateLimits, AuthPolicies = AuthPolicies };

    public static TheoryData<string, string> Removals => new()
    {
        { "b", "Backends[0].Name" },
        { "shadow", "Filters.Mirrors[0].Backend" },
        { "limit", "RateLimitPolicy" },
        { "keys", "AuthPolicy" },
    };

    [Theory]
    [MemberData(nameof(Removals))]
    public void A_route_found_clean_is_checked_again_against_what_it_names_in_each_model(string removed, string field)
    {
        var cache = new ValidationCache();
        Assert.Empty(ModelValidator.Validate(Complete, cache));

        var without = Complete with
        {
            Backends = Complete.Backends.Remove(removed),
            RateLimitPolicies = Complete.RateLimitPolicies.Remove(removed),
            AuthPolicies = Complete.AuthPolicies.Remove(removed),
        };

        var problem = Assert.Single(ModelValidator.Validate(without, cache));
        Assert.Equal(("route 'r'", field), (problem.Object, problem.Field));
        Assert.Equal(ModelValidator.Validate(without).Select(p => p.ToString()), [problem.ToString()]);
    }

    [Fact]
    public void A_route_with_problems_is_not_remembered_and_reports_them_every_time()
    {
        var cache = new ValidationCache();
        var broken = Complete with { Routes = [Route with { Hostnames = ["http://api.example.com"] }] };

        Assert.Single(ModelValidator.Validate(broken, cache));
        var again = Assert.Single(ModelValidator.Validate(broken, cache));

        Assert.Equal("Hostnames[0]", again.Field);
    }

    [Fact]
    public void A_backend_with_problems_is_not_remembered_and_reports_them_every_time()
    {
        var cache = new ValidationCache();
        var broken = Complete with { Backends = Backends.SetItem("b", Backends["b"] with { Endpoints = ["10.0.0.1:80"] }) };

        Assert.Single(ModelValidator.Validate(broken, cache));
        var again = Assert.Single(ModelValidator.Validate(broken, cache));

        Assert.Equal(("backend 'b'", "Endpoints[0]"), (again.Object, again.Field));
    }
}
