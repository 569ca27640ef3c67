using System.Net;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;

namespace Gateway.IntegrationTests.Kubernetes.GatewayApi;

/// <summary>
/// HTTPRoutes from the fake API server route real requests to real echo backends, case by case as the upstream
/// conformance tests check them (HTTPRouteMatching, ExactPathMatching, PathMatchOrder, MatchingAcrossRoutes,
/// HeaderMatching, QueryParamMatching, MethodMatching, Weight, RewritePath, RequestHeaderModifier, RequestRedirect,
/// RedirectPath, RedirectPort, RedirectScheme, HostnameIntersection), all against one gateway.
/// </summary>
public sealed class GatewayApiRoutingTests(GatewayApiRoutingFixture fixture) : IClassFixture<GatewayApiRoutingFixture>
{
    private static readonly (string, string)[] NoHeaders = [];

    private Task<string> Answer(string host, string path, params (string, string)[] headers) => fixture.AnswerAsync(host, path, null, headers);

    [Fact]
    public async Task Path_prefix_and_header_matches_of_one_route()
    {
        Assert.Equal("v1", await Answer("matching.test", "/"));
        Assert.Equal("v1", await Answer("matching.test", "/example"));
        Assert.Equal("v1", await Answer("matching.test", "/", ("version", "one")));
        Assert.Equal("v2", await Answer("matching.test", "/v2"));
        Assert.Equal("v2", await Answer("matching.test", "/v2/example"));
        Assert.Equal("v2", await Answer("matching.test", "/", ("Version", "two")));
        Assert.Equal("v2", await Answer("matching.test", "/v2/"));
        Assert.Equal("v1", await Answer("matching.test", "/v2example"));
        Assert.Equal("v1", await Answer("matching.test", "/foo/v2/example"));
    }

    [Fact]
    public async Task Exact_paths_match_only_themselves_case_sensitively()
    {
        Assert.Equal("v1", await Answer("exact.test", "/one"));
        Assert.Equal("v2", await Answer("exact.test", "/two"));
        Assert.Equal("404", await Answer("exact.test", "/"));
        Assert.Equal("404", await Answer("exact.test", "/one/example"));
        Assert.Equal("404", await Answer("exact.test", "/two/"));
        Assert.Equal("404", await Answer("exact.test", "/Two"));
    }

    [Fact]
    public async Task Exact_beats_prefix_and_longer_prefix_beats_shorter()
    {
        Assert.Equal("v3", await Answer("order.test", "/match/exact/one"));
        Assert.Equal("v2", await Answer("order.test", "/match/exact"));
        Assert.Equal("v1", await Answer("order.test", "/match"));
        Assert.Equal("v2", await Answer("order.test", "/match/prefix/one/any"));
        Assert.Equal("v1", await Answer("order.test", "/match/prefix/any"));
        Assert.Equal("v3", await Answer("order.test", "/match/any"));
    }

    [Fact]
    public async Task Matches_of_different_routes_on_the_same_host_combine_by_precedence()
    {
        Assert.Equal("v1", await Answer("example.com", "/"));
        Assert.Equal("v1", await Answer("example.com", "/example"));
        Assert.Equal("v1", await Answer("example.net", "/example"));
        Assert.Equal("v1", await Answer("example.com", "/example", ("Version", "one")));
        Assert.Equal("v2", await Answer("example.com", "/v2"));
        Assert.Equal("v1", await Answer("example.net", "/v2"));
        Assert.Equal("v2", await Answer("example.com", "/v2/example"));
        Assert.Equal("v2", await Answer("example.com", "/", ("Version", "two")));
    }

    [Fact]
    public async Task Header_matches_prefer_more_headers_and_any_match_of_a_rule_selects_it()
    {
        Assert.Equal("v1", await Answer("headers.test", "/", ("Version", "one")));
        Assert.Equal("v2", await Answer("headers.test", "/", ("Version", "two")));
        Assert.Equal("v1", await Answer("headers.test", "/", ("Version", "two"), ("Color", "orange")));
        Assert.Equal("v2", await Answer("headers.test", "/", ("Version", "two"), ("Color", "blue")));
        Assert.Equal("404", await Answer("headers.test", "/", ("Color", "orange")));
        Assert.Equal("404", await Answer("headers.test", "/", ("Some-Other-Header", "one")));
        Assert.Equal("v1", await Answer("headers.test", "/", ("Color", "blue")));
        Assert.Equal("v1", await Answer("headers.test", "/", ("Color", "green")));
        Assert.Equal("v2", await Answer("headers.test", "/", ("Color", "red")));
        Assert.Equal("v2", await Answer("headers.test", "/", ("Color", "yellow")));
        Assert.Equal("404", await Answer("headers.test", "/", ("Color", "purple")));
        Assert.Equal("v3", await Answer("headers.test", "/", ("Tenant", "team-42")));
        Assert.Equal("404", await Answer("headers.test", "/", ("Tenant", "team-x")));
    }

    [Fact]
    public async Task Query_parameter_matches_compare_names_and_values_exactly()
    {
        Assert.Equal("v1", await Answer("query.test", "/?animal=whale"));
        Assert.Equal("v2", await Answer("query.test", "/?animal=dolphin"));
        Assert.Equal("v3", await Answer("query.test", "/?animal=dolphin&color=blue"));
        Assert.Equal("v3", await Answer("query.test", "/?ANIMAL=Whale"));
        Assert.Equal("v1", await Answer("query.test", "/?animal=whale&otherparam=irrelevant"));
        Assert.Equal("v2", await Answer("query.test", "/?animal=dolphin&color=yellow"));
        Assert.Equal("404", await Answer("query.test", "/?color=blue"));
        Assert.Equal("404", await Answer("query.test", "/?animal=dog"));
        Assert.Equal("404", await Answer("query.test", "/?animal=whaledolphin"));
        Assert.Equal("404", await Answer("query.test", "/"));

        // Combined with path and header matches, ORed between matches and ANDed within one.
        Assert.Equal("v1", await Answer("query.test", "/path1?animal=whale"));
        Assert.Equal("v2", await Answer("query.test", "/?animal=whale", ("version", "one")));
        Assert.Equal("v3", await Answer("query.test", "/path2?animal=whale", ("version", "two")));
        Assert.Equal("v1", await Answer("query.test", "/path3?animal=shark"));
        Assert.Equal("v1", await Answer("query.test", "/path4?animal=kraken", ("version", "three")));
        Assert.Equal("404", await Answer("query.test", "/?animal=shark"));
        Assert.Equal("404", await Answer("query.test", "/path4?animal=kraken"));
        Assert.Equal("v1", await Answer("query.test", "/path5?animal=hydra"));
        Assert.Equal("v3", await Answer("query.test", "/?animal=hydra", ("version", "four")));
    }

    [Fact]
    public async Task Query_parameter_names_are_case_sensitive_and_the_first_value_counts()
    {
        // Neither the rule for 'animal' (name differs) nor the one for 'ANIMAL' (value differs) matches.
        Assert.Equal("404", await Answer("query.test", "/?ANIMAL=whale"));
        Assert.Equal("404", await Answer("query.test", "/?Animal=whale"));
        Assert.Equal("v1", await Answer("query.test", "/?ANIMAL=dolphin&animal=whale"));
        Assert.Equal("v1", await Answer("query.test", "/?animal=whale&animal=dolphin"));
        Assert.Equal("v2", await Answer("query.test", "/?animal=dolphin&animal=whale"));
        Assert.Equal("v1", await Answer("query.test", "/?%61nimal=wh%61le"));
    }

    [Fact]
    public async Task Method_matches()
    {
        Assert.Equal("v1", await fixture.AnswerAsync("method.test", "/", HttpMethod.Post));
        Assert.Equal("v2", await fixture.AnswerAsync("method.test", "/", HttpMethod.Get));
        Assert.Equal("404", await fixture.AnswerAsync("method.test", "/", HttpMethod.Head));

        // Combined with path and header matches, ORed between matches and ANDed within one.
        Assert.Equal("v1", await fixture.AnswerAsync("method.test", "/path1", HttpMethod.Get));
        Assert.Equal("v2", await fixture.AnswerAsync("method.test", "/", HttpMethod.Put, ("version", "one")));
        Assert.Equal("v3", await fixture.AnswerAsync("method.test", "/path2", HttpMethod.Post, ("version", "two")));
        Assert.Equal("v1", await fixture.AnswerAsync("method.test", "/path3", HttpMethod.Patch));
        Assert.Equal("v1", await fixture.AnswerAsync("method.test", "/path4", HttpMethod.Delete, ("version", "three")));
        Assert.Equal("404", await fixture.AnswerAsync("method.test", "/", HttpMethod.Put));
        Assert.Equal("404", await fixture.AnswerAsync("method.test", "/path4", HttpMethod.Delete));
        Assert.Equal("v1", await fixture.AnswerAsync("method.test", "/path5", HttpMethod.Patch));
        Assert.Equal("v2", await fixture.AnswerAsync("method.test", "/", HttpMethod.Patch, ("version", "four")));
    }

    [Fact]
    public async Task Weights_split_requests_within_five_percent_and_weight_zero_gets_none()
    {
        // 2000 requests put five points at about five standard deviations of a fair 70/30 draw.
        const int total = 2000;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < total; i++)
        {
            var backend = await Answer("weight.test", "/");
            counts[backend] = counts.GetValueOrDefault(backend) + 1;
        }

        Assert.Equal(["v1", "v2"], counts.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.InRange(counts["v1"], (int)(total * 0.65), (int)(total * 0.75));
        Assert.InRange(counts["v2"], (int)(total * 0.25), (int)(total * 0.35));
    }

    [Fact]
    public async Task Seed_002_applied_verbatim_splits_predict_80_20()
    {
        var seed = Path.Combine(RepositoryRoot(), "deploy", "examples", "002-httproute-weights");
        foreach (var file in new[] { "models.yaml", "gateway.yaml", "httproute.yaml" })
        {
            // The Deployments are not run here: their pods are the echo backends below.
            foreach (var item in YamlObjects.Load(File.ReadAllText(Path.Combine(seed, file)), "models").Where(o => (string?)o["kind"] != "Deployment"))
            {
                fixture.Api.Apply(item);
            }
        }

        foreach (var (service, backend) in new[] { ("model-v1", "v1"), ("model-v2", "v2") })
        {
            fixture.Apply($$"""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: { name: {{service}}-x1, labels: { kubernetes.io/service-name: {{service}} } }
                addressType: IPv4
                ports: [ { name: http, port: {{fixture.PortOf(backend)}} } ]
                endpoints: [ { addresses: [ 127.0.0.1 ], conditions: { ready: true } } ]
                """, "models");
        }

        await Eventually.EqualAsync("True", () => Task.FromResult(fixture.RouteCondition("models/predict", "Accepted")?["status"]?.GetValue<string>()), "seed 002's HTTPRoute to be accepted");
        await Eventually.TrueAsync(async () => await Answer("seed.test", "/predict") is "v1" or "v2", "seed 002 to serve /predict");
        const int total = 500;
        var v2 = 0;
        for (var i = 0; i < total; i++)
        {
            var backend = await Answer("seed.test", "/predict");
            Assert.True(backend is "v1" or "v2", $"/predict answered {backend}");
            v2 += backend == "v2" ? 1 : 0;
        }

        Assert.InRange(v2, (int)(total * 0.15), (int)(total * 0.25));
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "../../../.."));

    [Fact]
    public async Task Url_rewrite_replaces_the_prefix_the_full_path_or_the_host()
    {
        async Task<(string Path, string Host)> Seen(string path)
        {
            var (status, echo, response) = await fixture.SendAsync("rewrite.test", path);
            response.Dispose();
            Assert.Equal(HttpStatusCode.OK, status);
            return (echo!.Path + echo.Query, echo.Headers["host"]);
        }

        Assert.Equal("/one/two", (await Seen("/prefix/one/two")).Path);
        Assert.Equal("/one", (await Seen("/prefix/one")).Path);
        Assert.Equal("/one/", (await Seen("/prefix/one/")).Path);
        Assert.Equal("/", (await Seen("/strip-prefix")).Path);
        Assert.Equal("/three", (await Seen("/strip-prefix/three")).Path);
        Assert.Equal("/one", (await Seen("/full/one/two")).Path);
        Assert.Equal("/one?q=1", (await Seen("/full/one?q=1")).Path);
        Assert.Equal(("/host/x", "internal.example.com"), await Seen("/host/x"));
    }

    [Fact]
    public async Task Request_headers_are_set_added_and_removed_and_response_headers_changed()
    {
        async Task<Dictionary<string, string>> Seen(string path, params (string, string)[] headers)
        {
            var (_, echo, response) = await fixture.SendAsync("headermod.test", path, null, headers);
            response.Dispose();
            return echo!.Headers;
        }

        var set = await Seen("/set", ("Some-Other-Header", "val"), ("X-Header-Set", "some-other-value"));
        Assert.Equal(("val", "set-overwrites-values"), (set["some-other-header"], set["x-header-set"]));
        Assert.Equal("add-appends-values", (await Seen("/add", NoHeaders))["x-header-add"]);
        Assert.Equal("some-value,add-appends-values", (await Seen("/add", ("X-Header-Add", "some-value")))["x-header-add"]);
        var removed = await Seen("/remove", ("X-Header-Remove", "val"), ("Some-Other-Header", "val"));
        Assert.False(removed.ContainsKey("x-header-remove"));
        Assert.Equal("val", removed["some-other-header"]);

        var multiple = await Seen("/multiple", ("X-Header-Set-2", "set-val-2"), ("X-Header-Add-2", "add-val-2"), ("X-Header-Remove-2", "remove-val-2"), ("Another-Header", "another-header-val"));
        Assert.Equal(
            ("header-set-1", "header-set-2", "header-add-1", "add-val-2,header-add-2", "header-add-3", "another-header-val"),
            (multiple["x-header-set-1"], multiple["x-header-set-2"], multiple["x-header-add-1"], multiple["x-header-add-2"], multiple["x-header-add-3"], multiple["another-header"]));
        Assert.False(multiple.ContainsKey("x-header-remove-1") || multiple.ContainsKey("x-header-remove-2"));

        // The filter names headers in canonical case, the request in lower case: names compare ignoring case.
        var lower = await Seen("/case-insensitivity", ("x-header-set", "original-val-set"), ("x-header-add", "original-val-add"), ("x-header-remove", "original-val-remove"));
        Assert.Equal(("header-set", "original-val-add,header-add"), (lower["x-header-set"], lower["x-header-add"]));
        Assert.False(lower.ContainsKey("x-header-remove"));

        var (_, _, response) = await fixture.SendAsync("headermod.test", "/response");
        using (response)
        {
            Assert.Equal("set", response.Headers.GetValues("X-Response-Set").Single());
            Assert.Equal("added", response.Headers.GetValues("X-Response-Add").Single());
        }
    }

    [Fact]
    public async Task Redirects_change_host_status_scheme_and_path()
    {
        async Task<(int Status, string Location)> Redirect(string path)
        {
            var (status, _, response) = await fixture.SendAsync("redirect.test", path);
            using (response)
            {
                return ((int)status, response.Headers.Location?.ToString() ?? "");
            }
        }

        var port = new Uri(fixture.Gateway.Gateway.Client.BaseAddress!.ToString()).Port;
        Assert.Equal((302, "http://example.org/hostname-redirect"), await Redirect("/hostname-redirect"));
        Assert.Equal(301, (await Redirect("/status-code-301")).Status);
        Assert.Equal((301, "http://example.org/host-and-status"), await Redirect("/host-and-status"));
        Assert.Equal((302, "https://redirect.test/scheme"), await Redirect("/scheme"));
        Assert.Equal(302, (await Redirect("/full-path/x")).Status);
        Assert.EndsWith("/full-path-replacement", (await Redirect("/full-path/x")).Location, StringComparison.Ordinal);
        Assert.EndsWith("/replacement-prefix/x", (await Redirect("/prefix/x")).Location, StringComparison.Ordinal);

        // The upstream RedirectPath, RedirectPort and RedirectScheme tables.
        Assert.Equal((302, "http://example.org/replacement-prefix"), await Redirect("/path-and-host"));
        Assert.Equal(301, (await Redirect("/path-and-status")).Status);
        Assert.EndsWith("/replacement-prefix", (await Redirect("/path-and-status")).Location, StringComparison.Ordinal);
        Assert.Equal((302, "http://example.org/replacement-full"), await Redirect("/full-path-and-host"));
        Assert.Equal(301, (await Redirect("/full-path-and-status")).Status);
        Assert.EndsWith("/replacement-full", (await Redirect("/full-path-and-status")).Location, StringComparison.Ordinal);
        Assert.Equal((302, "http://redirect.test:8083/port"), await Redirect("/port"));
        Assert.Equal((302, "http://example.org:8083/port-and-host"), await Redirect("/port-and-host"));
        Assert.Equal((301, "http://redirect.test:8083/port-and-status"), await Redirect("/port-and-status"));
        Assert.Equal((302, "http://example.org:8083/port-and-host-and-status"), await Redirect("/port-and-host-and-status"));
        Assert.Equal((302, "https://example.org/scheme-and-host"), await Redirect("/scheme-and-host"));
        Assert.Equal((301, "https://redirect.test/scheme-and-status"), await Redirect("/scheme-and-status"));
        Assert.Equal((302, "https://example.org/scheme-and-host-and-status"), await Redirect("/scheme-and-host-and-status"));
        Assert.True(port > 0);
    }

    [Fact]
    public async Task Route_hostnames_intersect_with_listener_hostnames()
    {
        Assert.Equal("v1", await Answer("very.specific.com", "/s1"));
        Assert.Equal("v1", await Answer("very.specific.com:1234", "/s1"));
        Assert.Equal("404", await Answer("non.matching.com", "/s1"));
        Assert.Equal("404", await Answer("foo.nonmatchingwildcard.io", "/s1"));
        Assert.Equal("404", await Answer("foo.wildcard.io", "/s1"));

        Assert.Equal("v2", await Answer("foo.wildcard.io", "/s2"));
        Assert.Equal("v2", await Answer("foo.bar.wildcard.io", "/s2"));
        Assert.Equal("404", await Answer("non.matching.com", "/s2"));
        Assert.Equal("404", await Answer("wildcard.io", "/s2"));
        Assert.Equal("404", await Answer("very.specific.com", "/s2"));

        Assert.Equal("v3", await Answer("very.specific.com", "/s3"));
        Assert.Equal("404", await Answer("foo.specific.com", "/s3"));

        Assert.Equal("v1", await Answer("foo.anotherwildcard.io", "/s4"));
        Assert.Equal("v1", await Answer("foo.bar.anotherwildcard.io", "/s4"));
        Assert.Equal("404", await Answer("anotherwildcard.io", "/s4"));

        Assert.Equal("404", await Answer("specific.but.wrong.com", "/s5"));
        Assert.Equal("404", await Answer("wildcard.io", "/s5"));
        Assert.Equal("False", fixture.RouteCondition("infra/no-intersection", "Accepted")?["status"]?.GetValue<string>());
        Assert.Equal("NoMatchingListenerHostname", fixture.RouteCondition("infra/no-intersection", "Accepted")?["reason"]?.GetValue<string>());
    }
}
