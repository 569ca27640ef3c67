using System.Net;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Kubernetes.Istio;

/// <summary>
/// Istio's StringMatch on real requests, as Istio (Envoy) matches it: a uri prefix is a plain string prefix, exact is
/// exact, a regex must match the whole value, <c>ignoreUriCase</c> applies to exact and prefix only; headers and query
/// parameters take exact, prefix and regex, query names compared exactly; withoutHeaders inverts a header match.
/// Matching routes go to subset v2 (pod-2), the last route catches the rest on v1 (pod-1).
/// </summary>
public sealed class IstioStringMatchTests : IstioTest
{
    private const string ToV2 = """ "route": [{ "destination": { "host": "ml-service", "subset": "v2" } }] """;

    [Fact]
    public async Task Uri_prefix_exact_and_regex_match_as_in_Istio_and_ignoreUriCase_applies_to_exact_and_prefix()
    {
        await using var gateway = await StartAsync($$"""
            [ { "match": [{ "uri": { "prefix": "/v1/models" } }], {{ToV2}} },
              { "match": [{ "uri": { "exact": "/exact" } }], {{ToV2}} },
              { "match": [{ "uri": { "regex": "/re/[0-9]+" } }], {{ToV2}} },
              { "match": [{ "uri": { "prefix": "/Upper" }, "ignoreUriCase": true }], {{ToV2}} },
              { "match": [{ "uri": { "exact": "/Exact-Upper" }, "ignoreUriCase": true }], {{ToV2}} },
              { "match": [{ "uri": { "regex": "/Rx/[a-z]+" }, "ignoreUriCase": true }], {{ToV2}} },
              { "route": [{ "destination": { "host": "ml-service", "subset": "v1" } }] } ]
            """);

        // A plain prefix, not a segment-aware one: /v1/modelsx is under /v1/models.
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/v1/models"));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/v1/modelsx"));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/v1/models/llama/predict"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/v1/model"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/V1/models"));

        Assert.Equal("pod-2", await AnswerAsync(gateway, "/exact"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/exact/"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/exactx"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/Exact"));

        // The whole path must match the expression, not a part of it.
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/re/123"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/re/123x"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/x/re/123"));

        Assert.Equal("pod-2", await AnswerAsync(gateway, "/UPPER"));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/upperx/y"));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/exact-upper"));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/EXACT-UPPER"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/exact-upper/"));

        // ignoreUriCase leaves a regex as written, as in Istio.
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/Rx/abc"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/rx/abc"));
    }

    [Fact]
    public async Task Header_and_query_parameter_matches_take_exact_prefix_and_whole_value_regex_with_exact_query_names()
    {
        await using var gateway = await StartAsync($$"""
            [ { "match": [{ "headers": { "x-exact": { "exact": "Llama" } } }], {{ToV2}} },
              { "match": [{ "headers": { "x-prefix": { "prefix": "llama-" } } }], {{ToV2}} },
              { "match": [{ "headers": { "x-regex": { "regex": "[0-9]+" } } }], {{ToV2}} },
              { "match": [{ "queryParams": { "model": { "exact": "llama" } } }], {{ToV2}} },
              { "match": [{ "queryParams": { "tag": { "regex": "[a-z]+" } } }], {{ToV2}} },
              { "match": [{ "queryParams": { "version": { "prefix": "3." } } }], {{ToV2}} },
              { "route": [{ "destination": { "host": "ml-service", "subset": "v1" } }] } ]
            """);

        Assert.Equal("pod-2", await AnswerAsync(gateway, "/", ("X-Exact", "Llama")));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/", ("x-exact", "llama")));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/", ("x-prefix", "llama-3")));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/", ("x-prefix", "my-llama-3")));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/", ("x-regex", "123")));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/", ("x-regex", "123a")));

        Assert.Equal("pod-2", await AnswerAsync(gateway, "/?model=llama"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/?MODEL=llama"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/?model=llama2"));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/?tag=abc"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/?tag=abc1"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/?Tag=abc"));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/?version=3.1"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/?version=13.1"));
    }

    [Fact]
    public async Task WithoutHeaders_takes_requests_where_the_header_is_absent_or_does_not_match()
    {
        await using var gateway = await StartAsync($$"""
            [ { "match": [{ "uri": { "prefix": "/a" }, "withoutHeaders": { "x-canary": { "exact": "true" } } }], {{ToV2}} },
              { "match": [{ "uri": { "prefix": "/b" }, "withoutHeaders": { "x-debug": {} } }], {{ToV2}} },
              { "match": [{ "uri": { "prefix": "/c" }, "withoutHeaders": { "x-tenant": { "regex": "test-[0-9]+" } } }], {{ToV2}} },
              { "route": [{ "destination": { "host": "ml-service", "subset": "v1" } }] } ]
            """);

        Assert.Equal("pod-2", await AnswerAsync(gateway, "/a"));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/a", ("x-canary", "false")));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/a", ("x-canary", "true")));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/b"));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/b", ("x-debug", "")));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/b", ("x-debug", "1")));
        Assert.Equal("pod-2", await AnswerAsync(gateway, "/c", ("x-tenant", "prod-1")));
        Assert.Equal("pod-1", await AnswerAsync(gateway, "/c", ("x-tenant", "test-42")));
    }

    [Fact]
    public async Task A_rewrite_replaces_the_plain_prefix_it_matched()
    {
        await using var gateway = await StartAsync("""
            [ { "match": [{ "uri": { "prefix": "/v1/models" } }], "rewrite": { "uri": "/models" },
                "route": [{ "destination": { "host": "ml-service", "subset": "v2" } }] },
              { "route": [{ "destination": { "host": "ml-service", "subset": "v1" } }] } ]
            """);

        Assert.Equal("/modelsx", await SeenPathAsync(gateway, "/v1/modelsx"));
        Assert.Equal("/models/llama", await SeenPathAsync(gateway, "/v1/models/llama"));
    }

    [Fact]
    public async Task A_regex_that_is_not_RE2_leaves_its_route_out_reported_on_the_field_and_the_others_serve()
    {
        Api.Apply(IstioObjects.DestinationRule());
        Api.Apply(IstioObjects.VirtualService("ml-service", $$"""
            [ { "match": [{ "uri": { "regex": "/(?!admin).*" } }], {{ToV2}} },
              { "route": [{ "destination": { "host": "ml-service", "subset": "v1" } }] } ]
            """));
        await using var gateway = await StartGatewayAsync();
        await WaitForSubsetAsync(gateway, "v1", 1);

        Assert.Equal("pod-1", await AnswerAsync(gateway, "/predict"));
        Assert.Contains(
            "VirtualService 'models/ml-service', field 'spec.http[0].match[0].uri.regex': '/(?!admin).*' is not RE2 syntax",
            await gateway.WarningsAsync(),
            StringComparison.Ordinal);
    }

    /// <summary>Applies the DestinationRule and a VirtualService with <paramref name="httpRoutesJson"/>, and waits for both subsets.</summary>
    private async Task<KubernetesGateway> StartAsync(string httpRoutesJson)
    {
        Api.Apply(IstioObjects.DestinationRule());
        Api.Apply(IstioObjects.VirtualService("ml-service", httpRoutesJson));
        var gateway = await StartGatewayAsync();
        await WaitForSubsetAsync(gateway, "v1", 1);
        await WaitForSubsetAsync(gateway, "v2", 1);
        return gateway;
    }

    private static async Task<string> SeenPathAsync(KubernetesGateway gateway, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Host = IstioObjects.Service } };
        using var response = await gateway.Gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await BackendEcho.ReadAsync(response)).Path;
    }
}
