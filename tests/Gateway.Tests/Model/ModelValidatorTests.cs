using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Validation;

namespace Gateway.Tests.Model;

public sealed class ModelValidatorTests
{
    private static readonly ImmutableDictionary<string, BackendModel> Backends =
        ImmutableDictionary<string, BackendModel>.Empty.Add("b", new BackendModel { Name = "b", Source = "s", Endpoints = ["http://10.0.0.1:80"] });

    private static List<string> Validate(RouteModel route) =>
        ModelValidator.Validate(new GatewayModel { Routes = [route], Backends = Backends }).Select(p => p.ToString()).ToList();

    private static RouteModel Route(RouteMatch? match = null, RouteFilters? filters = null, params BackendRef[] backends) => new()
    {
        Name = "r",
        Source = "s",
        Matches = [match ?? new RouteMatch()],
        Filters = filters ?? RouteFilters.None,
        Backends = backends.Length == 0 ? [new BackendRef("b")] : [.. backends],
    };

    [Fact]
    public void A_well_formed_route_has_no_problems() => Assert.Empty(Validate(Route()));

    [Theory]
    [InlineData(nameof(PathMatchType.PathPrefix), "", "is empty; a path must start with '/' (use '/' to match everything)")]
    [InlineData(nameof(PathMatchType.Exact), "predict", "'predict' must start with '/'")]
    [InlineData(nameof(PathMatchType.PathPrefix), "/a//b", "'/a//b' contains an empty segment '//'")]
    [InlineData(nameof(PathMatchType.PathPrefix), "/a?b=1", "'/a?b=1' contains a character not allowed in a path ('?', '#' or white space)")]
    [InlineData(nameof(PathMatchType.RegularExpression), "", "is an empty regular expression")]
    public void Bad_paths_are_named(string type, string value, string message) =>
        Assert.Equal([$"s: route 'r', field 'Matches[0].Path.Value': {message}"], Validate(Route(new RouteMatch { Path = new PathMatch(Enum.Parse<PathMatchType>(type), value) })));

    [Fact]
    public void Invalid_and_backtracking_regexes_are_refused()
    {
        var unclosed = Validate(Route(new RouteMatch { Path = new PathMatch(PathMatchType.RegularExpression, "/(a") }));
        Assert.StartsWith("s: route 'r', field 'Matches[0].Path.Value': '/(a' is not a valid regular expression", Assert.Single(unclosed));

        var backreference = Validate(Route(new RouteMatch { Headers = [new ValueMatch("X-A", "(a)\\1", ValueMatchType.RegularExpression)] }));
        Assert.StartsWith("s: route 'r', field 'Matches[0].Headers[0].Value': '(a)\\1' uses a construct the gateway does not support", Assert.Single(backreference));
    }

    [Fact]
    public void Backend_references_must_exist_and_weigh_zero_or_more()
    {
        var problems = Validate(Route(backends: [new BackendRef("missing"), new BackendRef("b", -1)]));

        Assert.Equal(
            [
                "s: route 'r', field 'Backends[0].Name': backend 'missing' is not defined; defined backends: b",
                "s: route 'r', field 'Backends[1].Weight': is -1; weights must be 0 or more",
            ],
            problems);
    }

    [Fact]
    public void Duplicate_route_names_are_refused()
    {
        var problems = ModelValidator.Validate(new GatewayModel { Routes = [Route(), Route()], Backends = Backends });

        Assert.Equal("s: route 'r', field 'Name': is used by another route; route names must be unique", Assert.Single(problems).ToString());
    }

    [Fact]
    public void Redirects_are_checked_and_cannot_forward()
    {
        var route = Route(filters: new RouteFilters
        {
            Redirect = new RequestRedirect { Scheme = "ftp", Port = 70000, StatusCode = 200, Hostname = "*.x.com" },
        });

        Assert.Equal(
            [
                "s: route 'r', field 'Filters.Redirect.Scheme': 'ftp' is not http or https",
                "s: route 'r', field 'Filters.Redirect.Hostname': '*.x.com' is not a hostname",
                "s: route 'r', field 'Filters.Redirect.Port': 70000 is not a port (1-65535)",
                "s: route 'r', field 'Filters.Redirect.StatusCode': 200 is not a redirect status; use 301, 302, 303, 307 or 308",
                "s: route 'r', field 'Backends': must be empty on a route with a Redirect filter: a redirected request is never forwarded",
            ],
            Validate(route));
    }

    [Fact]
    public void Replace_prefix_needs_prefix_matches()
    {
        var route = Route(
            new RouteMatch { Path = new PathMatch(PathMatchType.Exact, "/x") },
            new RouteFilters { UrlRewrite = new UrlRewrite { Path = new PathRewrite(PathRewriteType.ReplacePrefixMatch, "/") } });

        Assert.Equal(["s: route 'r', field 'Filters.UrlRewrite.Path.Type': ReplacePrefixMatch needs a PathPrefix or StringPrefix match, but Matches[0] is Exact"], Validate(route));
    }

    [Fact]
    public void Header_modifiers_refuse_invalid_names_and_injected_lines()
    {
        var route = Route(filters: new RouteFilters
        {
            RequestHeaders = new HeaderModifier { Set = [new("X A", "1"), new("X-B", "a\r\nX-Evil: 1")], Remove = ["Bad:Name"] },
        });

        Assert.Equal(
            [
                "s: route 'r', field 'Filters.RequestHeaders.X A': is not a valid header name",
                "s: route 'r', field 'Filters.RequestHeaders.X-B': a header value cannot contain CR, LF or NUL",
                "s: route 'r', field 'Filters.RequestHeaders.Remove': 'Bad:Name' is not a valid header name",
            ],
            Validate(route));
    }

    [Theory]
    [InlineData("api.example.com", true)]
    [InlineData("*.example.com", true)]
    [InlineData("http://api.example.com", false)]
    [InlineData("api.example.com:8080", false)]
    [InlineData("*", false)]
    [InlineData("a.*.com", false)]
    public void Hostnames_are_dns_names_or_leading_wildcards(string host, bool valid)
    {
        var problems = Validate(Route() with { Hostnames = [host] });
        Assert.Equal(valid, problems.Count == 0);
    }

    [Fact]
    public void Backend_endpoints_must_be_absolute_http_addresses()
    {
        var model = new GatewayModel
        {
            Backends = ImmutableDictionary<string, BackendModel>.Empty.Add("b", new BackendModel { Name = "b", Source = "s", Endpoints = ["10.0.0.1:80", "ftp://x"] }),
        };

        Assert.Equal(2, ModelValidator.Validate(model).Count(p => p.Object == "backend 'b'"));
    }

    [Fact]
    public void A_route_found_clean_before_is_still_checked_against_the_backends_and_policies_of_each_model()
    {
        var route = Route() with { RateLimitPolicy = "p" };
        var policy = new RateLimitPolicy { Name = "p", Rate = "10/s" };
        var policies = ImmutableDictionary<string, RateLimitPolicy>.Empty.Add("p", policy);
        Assert.Empty(ModelValidator.Validate(new GatewayModel { Routes = [route], Backends = Backends, RateLimitPolicies = policies }));

        var withoutBackend = ModelValidator.Validate(new GatewayModel { Routes = [route], RateLimitPolicies = policies });
        Assert.Contains(withoutBackend, p => p.Field == "Backends[0].Name" && p.Message.StartsWith("backend 'b' is not defined", StringComparison.Ordinal));

        var withoutPolicy = ModelValidator.Validate(new GatewayModel { Routes = [route], Backends = Backends });
        Assert.Contains(withoutPolicy, p => p.Field == "RateLimitPolicy");
    }

    [Fact]
    public void A_mirror_found_clean_before_is_still_checked_against_the_backends_of_each_model()
    {
        var route = Route() with { Filters = new RouteFilters { Mirrors = [new RequestMirror("shadow", 10)] } };
        var withShadow = Backends.Add("shadow", new BackendModel { Name = "shadow", Endpoints = ["http://127.0.0.1:9"] });
        Assert.Empty(ModelValidator.Validate(new GatewayModel { Routes = [route], Backends = withShadow }));

        var withoutShadow = ModelValidator.Validate(new GatewayModel { Routes = [route], Backends = Backends });

        Assert.Contains(withoutShadow, p => p.Field == "Filters.Mirrors[0].Backend");
    }
}
