using System.Collections.Immutable;
using System.Net;
using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Proxy.Transforms;
using Gateway.Proxy.Translation;

namespace Gateway.Tests.Proxy;

/// <summary>The model features the Ingress annotations need, as the translator hands them to YARP and the hot path.</summary>
public sealed class IngressFeatureTranslationTests
{
    private static GatewayModel Model(RouteModel route, BackendModel backend) => new()
    {
        Routes = [route],
        Backends = new Dictionary<string, BackendModel> { [backend.Name] = backend }.ToImmutableDictionary(StringComparer.Ordinal),
    };

    [Fact]
    public void Http2_and_certificate_settings_reach_the_cluster()
    {
        var backend = new BackendModel { Name = "grpc", Endpoints = ["https://10.0.0.1:9000"], Http2 = true, AcceptAnyServerCertificate = true };
        var config = YarpTranslator.Translate(Model(new RouteModel { Name = "r", Backends = [new BackendRef("grpc")] }, backend));

        var cluster = Assert.Single(config.Clusters);
        Assert.Equal(HttpVersion.Version20, cluster.HttpRequest!.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionExact, cluster.HttpRequest.VersionPolicy);
        Assert.True(cluster.HttpClient!.DangerousAcceptAnyServerCertificate);
    }

    [Fact]
    public void A_plain_backend_keeps_yarp_defaults()
    {
        var config = YarpTranslator.Translate(Model(new RouteModel { Name = "r", Backends = [new BackendRef("web")] }, new BackendModel { Name = "web", Endpoints = ["http://10.0.0.1:80"] }));

        var cluster = Assert.Single(config.Clusters);
        Assert.Null(cluster.HttpRequest);
        Assert.Null(cluster.HttpClient);
    }

    [Fact]
    public void Regex_rewrite_cors_and_source_ranges_are_compiled_for_the_endpoint()
    {
        var route = new RouteModel
        {
            Name = "r",
            Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.RegularExpression, "(?i:/something(/|$)(.*)).*") }],
            Filters = new RouteFilters
            {
                UrlRewrite = new UrlRewrite { Path = new PathRewrite(PathRewriteType.RegexSubstitution, "/$2") },
                AllowSources = ["10.0.0.0/8"],
                DenySources = ["10.0.0.9"],
            },
            Cors = new CorsPolicy { AllowOrigins = ["https://app.example.com"], AllowMethods = ["GET"] },
            Backends = [new BackendRef("web")],
        };
        var config = YarpTranslator.Translate(Model(route, new BackendModel { Name = "web", Endpoints = ["http://10.0.0.1:80"] }));

        var yarpRoute = Assert.Single(config.Routes);
        Assert.Contains(yarpRoute.Transforms!, t => t.TryGetValue(TransformNames.RegexRewrite, out var pattern) && pattern == "(?i:/something(/|$)(.*)).*" && t[TransformNames.With] == "/$2");
        var behavior = config.Runtimes[yarpRoute.RouteId];
        Assert.Equal("https://app.example.com", behavior.Cors!.AllowOriginFor("https://app.example.com"));
        Assert.True(behavior.AllowedSources!.Contains(IPAddress.Parse("10.1.2.3")));
        Assert.True(behavior.DeniedSources!.Contains(IPAddress.Parse("10.0.0.9")));
    }

    [Fact]
    public void A_substitution_naming_a_group_the_regex_lacks_is_a_model_problem()
    {
        var route = new RouteModel
        {
            Name = "r",
            Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.RegularExpression, "/a(.*)") }],
            Filters = new RouteFilters { UrlRewrite = new UrlRewrite { Path = new PathRewrite(PathRewriteType.RegexSubstitution, "/$2") } },
            Backends = [new BackendRef("web")],
        };

        var problem = Assert.Single(ModelValidator.Validate(Model(route, new BackendModel { Name = "web", Endpoints = ["http://10.0.0.1:80"] })));
        Assert.Equal("Filters.UrlRewrite.Path.Value", problem.Field);
    }
}
