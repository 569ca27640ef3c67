using System.Net;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

public sealed class RoutingTests : TwoBackendTest
{
    private async Task<string?> BackendFor(TestGateway gateway, HttpRequestMessage request)
    {
        using var response = await gateway.Client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await BackendEcho.ReadAsync(response)).Backend;
    }

    private Task<string?> BackendFor(TestGateway gateway, string path) => BackendFor(gateway, new HttpRequestMessage(HttpMethod.Get, path));

    [Theory]
    [InlineData("/service-a", "a")]
    [InlineData("/service-a/", "a")]
    [InlineData("/service-a/x/y", "a")]
    [InlineData("/service-ab", null)]
    [InlineData("/Service-A", null)]
    [InlineData("/other", null)]
    public async Task Prefix_match_is_segment_aware_and_case_sensitive(string path, string? expected)
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[] { new { Name = "r", Matches = new[] { new { Path = "/service-a" } }, Backends = new[] { "a" } } },
            Backends,
        });

        Assert.Equal(expected, await BackendFor(gateway, path));
    }

    [Theory]
    [InlineData("/predict", "a")]
    [InlineData("/predict/", "b")]
    [InlineData("/predict/x", "b")]
    [InlineData("/PREDICT", null)]
    public async Task Exact_match_takes_only_that_path_and_beats_a_prefix(string path, string? expected)
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "prefix", Matches = new[] { new { Path = "/predict" } }, Backends = new[] { "b" } },
                new { Name = "exact", Matches = new[] { new { Path = new { Type = "Exact", Value = "/predict" } } }, Backends = new[] { "a" } },
            },
            Backends,
        });

        Assert.Equal(expected, await BackendFor(gateway, path));
    }

    [Theory]
    [InlineData("/models/llama/v2/predict", "a")]
    [InlineData("/models/llama/predict", "b")]
    [InlineData("/models/llama/vx/predict", "b")]
    [InlineData("/x/models/llama/v2/predict", null)]
    public async Task Regex_path_matches_the_whole_path(string path, string? expected)
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "models", Matches = new[] { new { Path = "/models" } }, Backends = new[] { "b" } },
                new { Name = "versioned", Matches = new[] { new { Path = new { Type = "RegularExpression", Value = "/models/[a-z]+/v[0-9]+/predict" } } }, Backends = new[] { "a" } },
            },
            Backends,
        });

        Assert.Equal(expected, await BackendFor(gateway, path));
    }

    [Fact]
    public async Task Longest_prefix_wins_whatever_the_declaration_order()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "short", Matches = new[] { new { Path = "/v1" } }, Backends = new[] { "a" } },
                new { Name = "long", Matches = new[] { new { Path = "/v1/chat" } }, Backends = new[] { "b" } },
            },
            Backends,
        });

        Assert.Equal("b", await BackendFor(gateway, "/v1/chat/completions"));
        Assert.Equal("a", await BackendFor(gateway, "/v1/chatter"));
        Assert.Equal("a", await BackendFor(gateway, "/v1/models"));
    }

    [Theory]
    [InlineData("api.example.com", "a")]
    [InlineData("api.example.com:8080", "a")]
    [InlineData("other.example.com", "b")]
    [InlineData("deep.sub.example.com", "b")]
    [InlineData("example.com", null)]
    [InlineData("api.example.org", null)]
    public async Task Hosts_match_exact_before_wildcard_and_ignore_the_port(string host, string? expected)
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "wildcard", Hostnames = new[] { "*.example.com" }, Backends = new[] { "b" } },
                new { Name = "exact", Hostnames = new[] { "api.example.com" }, Backends = new[] { "a" } },
            },
            Backends,
        });

        var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Host = host;
        Assert.Equal(expected, await BackendFor(gateway, request));
    }

    [Fact]
    public async Task Method_header_and_query_matches_select_routes_and_more_conditions_win()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "any", Matches = new[] { new { Path = "/m" } }, Backends = new[] { "a" } },
                new
                {
                    Name = "post-with-header",
                    Matches = new object[]
                    {
                        new
                        {
                            Path = "/m",
                            Method = "POST",
                            Headers = new[] { new { Name = "X-Model", Value = "v2" } },
                        },
                        new
                        {
                            Path = "/m",
                            Headers = new[] { new { Name = "X-Tenant", Value = "team-[0-9]+", Type = "RegularExpression" } },
                            QueryParameters = new[] { new { Name = "debug", Value = "1" } },
                        },
                    },
                    Backends = new[] { "b" },
                },
            },
            Backends,
        });

        Assert.Equal("a", await BackendFor(gateway, new HttpRequestMessage(HttpMethod.Post, "/m")));
        var post = new HttpRequestMessage(HttpMethod.Post, "/m");
        post.Headers.Add("X-Model", "v2");
        Assert.Equal("b", await BackendFor(gateway, post));
        var wrongValueCase = new HttpRequestMessage(HttpMethod.Post, "/m");
        wrongValueCase.Headers.Add("x-model", "V2");
        Assert.Equal("a", await BackendFor(gateway, wrongValueCase));
        var get = new HttpRequestMessage(HttpMethod.Get, "/m");
        get.Headers.Add("X-Model", "v2");
        Assert.Equal("a", await BackendFor(gateway, get));

        var regex = new HttpRequestMessage(HttpMethod.Get, "/m?debug=1");
        regex.Headers.Add("X-Tenant", "team-42");
        Assert.Equal("b", await BackendFor(gateway, regex));
        var regexMiss = new HttpRequestMessage(HttpMethod.Get, "/m?debug=1");
        regexMiss.Headers.Add("X-Tenant", "team-x");
        Assert.Equal("a", await BackendFor(gateway, regexMiss));
        var queryMiss = new HttpRequestMessage(HttpMethod.Get, "/m?debug=2");
        queryMiss.Headers.Add("X-Tenant", "team-42");
        Assert.Equal("a", await BackendFor(gateway, queryMiss));
        var queryNameCase = new HttpRequestMessage(HttpMethod.Get, "/m?DEBUG=1");
        queryNameCase.Headers.Add("X-Tenant", "team-42");
        Assert.Equal("a", await BackendFor(gateway, queryNameCase));
    }

    [Fact]
    public async Task A_route_limited_to_a_method_answers_404_for_other_methods()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[] { new { Name = "predict", Matches = new[] { new { Path = "/predict", Method = "POST" } }, Backends = new[] { "a" } } },
            Backends,
        });

        using var response = await gateway.Client.GetAsync("/predict");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Ties_go_to_the_route_declared_first()
    {
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "zeta", Matches = new[] { new { Path = "/same" } }, Backends = new[] { "b" } },
                new { Name = "alpha", Matches = new[] { new { Path = "/same" } }, Backends = new[] { "a" } },
            },
            Backends,
        });

        Assert.Equal("b", await BackendFor(gateway, "/same/x"));
    }
}
