using Gateway.Inference;
using Gateway.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Inference;

public sealed class ModelFromBodyScopeTests
{
    private static RouteModel Route(string name, PathMatch path, bool fromBody = false, ModelCanaryPolicy? canary = null, string? model = null) => new()
    {
        Name = name,
        Matches = [new RouteMatch { Path = path, Headers = model is null ? [] : [new ValueMatch("x-gateway-model-name", model)] }],
        ModelFromBody = fromBody,
        ModelCanary = canary,
    };

    private static readonly GatewayModel Model = new()
    {
        Routes =
        [
            Route("prefix", new PathMatch(PathMatchType.PathPrefix, "/custom"), fromBody: true),
            Route("exact", new PathMatch(PathMatchType.Exact, "/generate"), canary: new ModelCanaryPolicy { Variants = [new ModelVariant("real-1", 1)] }),
            Route("plain", new PathMatch(PathMatchType.PathPrefix, "/other"), model: "public"),
        ],
    };

    [Theory]
    [InlineData("/v1/chat/completions", true)]
    [InlineData("/v1/embeddings", true)]
    [InlineData("/v1/chat/completions/x", false)]
    [InlineData("/v1/models", false)]
    [InlineData("/custom", true)]
    [InlineData("/custom/a/b", true)]
    [InlineData("/customer", false)]
    [InlineData("/generate", true)]
    [InlineData("/generate/x", false)]
    [InlineData("/other", false)]
    public void Covers_the_configured_paths_and_those_of_routes_that_ask(string path, bool covered)
    {
        var scope = ModelFromBodyScope.Build(ModelFromBodyOptions.DefaultPaths, Model);

        Assert.Equal(covered, scope.Covers(new PathString(path)));
    }

    [Fact]
    public void Knows_the_names_routes_match_on_and_the_variants()
    {
        var scope = ModelFromBodyScope.Build([], Model);

        Assert.Equal(["public", "real-1"], scope.KnownNames.Order());
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData(" APPLICATION/JSON ;x=y", true)]
    [InlineData("application/jsonl", false)]
    [InlineData("application/problem+json", false)]
    [InlineData("text/plain", false)]
    [InlineData(null, false)]
    public void Json_is_application_json_with_any_parameters(string? contentType, bool json) =>
        Assert.Equal(json, ModelFromBodyMiddleware.IsJson(contentType));
}
