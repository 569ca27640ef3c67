using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Proxy.Translation;

namespace Gateway.Tests.Translation;

/// <summary>
/// YARP keeps an endpoint (and the runtime on it) while the route's config is value-equal to the last one, so a change
/// that only the runtime sees must still change the route config; an unchanged route must give an equal one.
/// </summary>
public sealed class RouteRevisionTests
{
    private static readonly ImmutableDictionary<string, BackendModel> Backends = new Dictionary<string, BackendModel>
    {
        ["v1"] = new() { Name = "v1", Endpoints = ["http://10.0.0.1:80"] },
        ["v2"] = new() { Name = "v2", Endpoints = ["http://10.0.0.2:80"] },
    }.ToImmutableDictionary(StringComparer.Ordinal);

    private static readonly RouteModel Base = new()
    {
        Name = "r",
        Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, "/predict") }],
        Backends = [new BackendRef("v1", 90), new BackendRef("v2", 10)],
    };

    private static readonly Dictionary<string, RouteModel> Changes = new()
    {
        ["canary weights"] = Base with { Backends = [new BackendRef("v1", 50), new BackendRef("v2", 50)] },
        ["timeout"] = Base with { Timeout = TimeSpan.FromSeconds(5) },
        ["retry"] = Base with { Retry = new RetryPolicy { Attempts = 3 } },
        ["regex header"] = Base with { Matches = [Base.Matches[0] with { Headers = [new ValueMatch("X-T", "a.*", ValueMatchType.RegularExpression)] }] },
        ["source ranges"] = Base with { Filters = new RouteFilters { AllowSources = ["10.0.0.0/8"] } },
        ["rate-limit policy"] = Base with { RateLimitPolicy = "p" },
        ["model canary"] = Base with { ModelCanary = new ModelCanaryPolicy { Variants = [new ModelVariant("m-1", 90), new ModelVariant("m-2", 10)] } },
    };

    public static TheoryData<string> RuntimeOnlyChanges() => [.. Changes.Keys];

    [Theory]
    [MemberData(nameof(RuntimeOnlyChanges))]
    public void A_change_only_the_runtime_sees_changes_the_yarp_route(string change)
    {
        var before = Translate(Base);
        var after = Translate(Changes[change]);

        Assert.NotEqual(before.Routes[0], after.Routes[0]);
    }

    [Fact]
    public void The_same_route_translated_again_gives_an_equal_yarp_route()
    {
        Assert.Equal(Translate(Base).Routes[0], Translate(Base with { }).Routes[0]);
    }

    private static ProxyConfigSnapshot Translate(RouteModel route) =>
        YarpTranslator.Translate(new GatewayModel { Routes = [route], Backends = Backends });
}
