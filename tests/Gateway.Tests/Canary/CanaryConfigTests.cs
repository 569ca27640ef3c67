using System.Text;
using Gateway.Hosting;
using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Sources.File;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Canary;

public sealed class CanaryConfigTests
{
    private static SourceSnapshot Read(string canaryJson, string backends = """[ { "Name": "v1", "Weight": 90 }, { "Name": "v2", "Weight": 10 } ]""")
    {
        var json = $$"""
            {
              "Routes": [ { "Name": "predict", "Backends": {{backends}}, "Canary": {{canaryJson}} } ],
              "Backends": { "v1": { "Endpoints": [ "http://127.0.0.1:1" ] }, "v2": { "Endpoints": [ "http://127.0.0.1:2" ] } }
            }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return GatewayConfigReader.Read(configuration, "test.json", GatewayConfigReader.RoutingKeys);
    }

    private static List<string> Problems(string canaryJson, string? backends = null)
    {
        var snapshot = backends is null ? Read(canaryJson) : Read(canaryJson, backends);
        return [.. snapshot.Problems.Concat(ModelValidator.Validate(snapshot.Model)).Select(p => p.ToString())];
    }

    [Fact]
    public void Reads_every_canary_field()
    {
        var snapshot = Read("""
            { "Backend": "v2", "Header": "X-Canary", "HeaderPattern": "beta-.*", "Cookie": "canary",
              "StickyCookie": "uid", "Fallback": false }
            """);

        Assert.Empty(snapshot.Problems);
        Assert.Equal(
            new CanaryPolicy { Backend = "v2", Header = "X-Canary", HeaderPattern = "beta-.*", Cookie = "canary", StickyCookie = "uid", Fallback = false },
            snapshot.Model.Routes[0].Canary);
        Assert.Empty(ModelValidator.Validate(snapshot.Model));
    }

    [Fact]
    public void Fallback_is_on_unless_turned_off()
    {
        Assert.True(Read("""{ "StickyHeader": "X-User-Id" }""").Model.Routes[0].Canary!.Fallback);
    }

    [Fact]
    public void An_unknown_canary_key_is_reported_with_its_field()
    {
        var problem = Assert.Single(Problems("""{ "Backend": "v2", "Weight": 10 }"""));

        Assert.Equal("test.json: route 'predict', field 'Canary.Weight': unknown field; expected one of: Backend, Header, HeaderValue, HeaderPattern, Cookie, StickyHeader, StickyCookie, Fallback, Rollout", problem);
    }

    [Theory]
    [InlineData("""{ "Backend": "v3" }""", "field 'Canary.Backend': 'v3' is not one of this route's Backends (v1, v2)")]
    [InlineData("""{ "Header": "X-Canary" }""", "field 'Canary.Backend': is required with Canary.Header or Canary.Cookie")]
    [InlineData("""{ "Cookie": "canary" }""", "field 'Canary.Backend': is required with Canary.Header or Canary.Cookie")]
    [InlineData("""{ "Backend": "v2", "Header": "X Canary" }""", "field 'Canary.Header': 'X Canary' is not a valid header name")]
    [InlineData("""{ "Backend": "v2", "Cookie": "can;ary" }""", "field 'Canary.Cookie': 'can;ary' is not a valid cookie name")]
    [InlineData("""{ "Backend": "v2", "HeaderValue": "yes" }""", "field 'Canary.HeaderValue': needs Canary.Header")]
    [InlineData("""{ "Backend": "v2", "Header": "X-Canary", "HeaderValue": "" }""", "field 'Canary.HeaderValue': is empty")]
    [InlineData("""{ "Backend": "v2", "Header": "X-Canary", "HeaderValue": "a", "HeaderPattern": "b" }""", "field 'Canary.HeaderPattern': cannot be combined with Canary.HeaderValue")]
    [InlineData("""{ "Backend": "v2", "Header": "X-Canary", "HeaderPattern": "(unclosed" }""", "field 'Canary.HeaderPattern': '(unclosed' is not a valid regular expression")]
    [InlineData("""{ "StickyHeader": "X-User", "StickyCookie": "uid" }""", "field 'Canary.StickyCookie': cannot be combined with Canary.StickyHeader")]
    [InlineData("""{ "StickyHeader": "X:User" }""", "field 'Canary.StickyHeader': 'X:User' is not a valid header name")]
    [InlineData("""{ "Fallback": "sometimes" }""", "field 'Canary.Fallback': 'sometimes' is not true or false")]
    [InlineData("\"v2\"", "field 'Canary': must be an object")]
    public void Invalid_canary_settings_are_reported_with_route_and_field(string canary, string expected)
    {
        var problem = Assert.Single(Problems(canary));

        Assert.StartsWith("test.json: route 'predict', ", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void The_canary_needs_a_stable_backend_beside_it()
    {
        var problem = Assert.Single(Problems("""{ "Backend": "v2" }""", """[ { "Name": "v2", "Weight": 10 } ]"""));

        Assert.Contains("field 'Canary.Backend': 'v2' is the route's only backend", problem);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("x-gateway-variant", true)]
    [InlineData("x gateway variant", false)]
    [InlineData("x-variant:", false)]
    public void The_variant_header_setting_must_be_a_header_name(string? header, bool valid)
    {
        var errors = new GatewayOptions { Canary = { VariantHeader = header } }.Validate().ToList();

        if (valid)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal($"Gateway:Canary:VariantHeader '{header}' is not a valid header name such as x-gateway-variant", Assert.Single(errors));
        }
    }

    [Fact]
    public void Weights_above_the_gateway_api_limit_are_refused()
    {
        var problem = Assert.Single(Problems("""{ }""", """[ { "Name": "v1", "Weight": 1000001 }, { "Name": "v2", "Weight": 1 } ]"""));

        Assert.Contains("field 'Backends[0].Weight': is 1000001; weights must be at most 1000000", problem);
    }
}
