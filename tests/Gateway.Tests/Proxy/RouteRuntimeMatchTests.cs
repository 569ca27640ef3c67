using Gateway.Model;
using Gateway.Proxy.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Proxy;

/// <summary>The match checks a route's runtime makes on top of YARP's template pre-selection, on real request objects.</summary>
public sealed class RouteRuntimeMatchTests
{
    [Theory]
    [InlineData("/v1/models", true)]
    [InlineData("/v1/modelsx", true)]
    [InlineData("/v1/models/x", true)]
    [InlineData("/v1/model", false)]
    [InlineData("/V1/models", false)]
    [InlineData("/x/v1/models", false)]
    public void A_string_prefix_matches_any_path_that_starts_with_it(string path, bool expected) =>
        Assert.Equal(expected, Runtime(new PathMatch(PathMatchType.StringPrefix, "/v1/models")).Matches(Request(path)));

    [Theory]
    [InlineData("StringPrefix", "/V1/MODELSX", true)]
    [InlineData("StringPrefix", "/v2/models", false)]
    [InlineData("Exact", "/V1/MODELS", true)]
    [InlineData("Exact", "/V1/MODELS/", false)]
    public void Ignore_case_applies_to_exact_and_string_prefix(string type, string path, bool expected) =>
        Assert.Equal(expected, Runtime(new PathMatch(Enum.Parse<PathMatchType>(type), "/v1/Models") { IgnoreCase = true }).Matches(Request(path)));

    [Fact]
    public void A_string_prefix_of_a_protected_route_is_found_ignoring_case()
    {
        var runtime = Runtime(new PathMatch(PathMatchType.StringPrefix, "/admin"));
        Assert.False(runtime.Matches(Request("/ADMINx")));
        Assert.True(runtime.MatchesIgnoringCase(Request("/ADMINx")));
    }

    [Theory]
    [InlineData("?animal=whale", true)]
    [InlineData("?ANIMAL=whale", false)]
    [InlineData("?Animal=whale&animal=whale", true)]
    [InlineData("?animal=Whale", false)]
    [InlineData("?animal=whale&animal=dolphin", true)]
    [InlineData("?animal=dolphin&animal=whale", false)]
    public void Query_parameters_match_by_exact_name_on_their_first_value(string query, bool expected)
    {
        var match = new RouteMatch { QueryParameters = [new ValueMatch("animal", "whale")] };
        Assert.Equal(expected, new RouteRuntime(new RoutePlan { Route = "r", Match = match }, null).Matches(Request("/", query)));
    }

    [Theory]
    [InlineData("?tag=abc", true)]
    [InlineData("?TAG=abc", false)]
    [InlineData("?tag=abc1", false)]
    public void Query_regular_expressions_cover_the_whole_value_of_the_exact_name(string query, bool expected)
    {
        var match = new RouteMatch { QueryParameters = [new ValueMatch("tag", "[a-z]+", ValueMatchType.RegularExpression)] };
        Assert.Equal(expected, new RouteRuntime(new RoutePlan { Route = "r", Match = match }, null).Matches(Request("/", query)));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", true)]
    [InlineData("TRUE", true)]
    [InlineData("true", false)]
    public void An_inverted_header_match_takes_requests_without_a_matching_value(string? canary, bool expected)
    {
        var match = new RouteMatch { Headers = [new ValueMatch("x-canary", "true") { Invert = true }] };
        var request = Request("/");
        if (canary is not null)
        {
            request.Headers["X-Canary"] = canary;
        }

        Assert.Equal(expected, new RouteRuntime(new RoutePlan { Route = "r", Match = match }, null).Matches(request));
    }

    private static RouteRuntime Runtime(PathMatch path) =>
        new(new RoutePlan { Route = "r", Match = new RouteMatch { Path = path } }, null);

    private static HttpRequest Request(string path, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }
}
