using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Proxy.Routing;

namespace Gateway.Tests.Proxy;

public sealed class CorsBehaviorTests
{
    [Theory]
    [InlineData("https://app.example.com", "https://app.example.com")]
    [InlineData("https://APP.example.com", "https://APP.example.com")]
    [InlineData("https://a.example.org:8443", "https://a.example.org:8443")]
    [InlineData("https://a.b.example.org:8443", null)]
    [InlineData("https://example.org:8443", null)]
    [InlineData("http://a.example.org:8443", null)]
    [InlineData("https://evil.com", null)]
    public void Origins_are_exact_or_one_label_wildcards(string origin, string? expected)
    {
        var cors = new CorsBehavior(new CorsPolicy { AllowOrigins = ["https://app.example.com", "https://*.example.org:8443"] });

        Assert.Equal(expected, cors.AllowOriginFor(origin));
    }

    [Fact]
    public void A_wildcard_policy_answers_star_or_echoes_the_origin_with_credentials()
    {
        ImmutableArray<string> any = ["*"];
        Assert.Equal("*", new CorsBehavior(new CorsPolicy { AllowOrigins = any }).AllowOriginFor("https://x.test"));
        Assert.Equal("https://x.test", new CorsBehavior(new CorsPolicy { AllowOrigins = any, AllowCredentials = true }).AllowOriginFor("https://x.test"));
    }

    [Fact]
    public void Header_values_are_prepared_once()
    {
        var cors = new CorsBehavior(new CorsPolicy
        {
            AllowOrigins = ["*"],
            AllowMethods = ["GET", "POST"],
            AllowHeaders = ["Content-Type", "Authorization"],
            MaxAge = TimeSpan.FromSeconds(600),
        });

        Assert.Equal(("GET, POST", "Content-Type, Authorization", "600", (string?)null), (cors.AllowMethods, cors.AllowHeaders, cors.MaxAge, cors.ExposeHeaders));
    }
}
