using System.Text;
using Gateway.Model;
using Gateway.Sources.File;

namespace Gateway.Tests.Sources;

public sealed class GatewayConfigReaderTests
{
    private static SourceSnapshot Read(string json)
    {
        var config = JsonConfigFile.TryLoad(Encoding.UTF8.GetBytes(json), out var error);
        Assert.True(config is not null, error);
        return GatewayConfigReader.Read(config, "test.json", GatewayConfigReader.RoutingKeys);
    }

    [Fact]
    public void Reads_every_field_of_a_route()
    {
        var snapshot = Read("""
        {
          "Routes": [ {
            "Name": "predict",
            "Hostnames": [ "models.example.com" ],
            "Matches": [ {
              "Path": { "Type": "Exact", "Value": "/predict" },
              "Method": "post",
              "Headers": [ { "Name": "X-Model", "Value": "v[0-9]", "Type": "RegularExpression" } ],
              "QueryParameters": [ { "Name": "debug", "Value": "1" } ]
            } ],
            "Filters": {
              "UrlRewrite": { "Path": { "Type": "ReplaceFullPath", "Value": "/v1/predict" }, "Hostname": "internal" },
              "RequestHeaders": { "Set": { "X-A": "1" }, "Add": { "X-B": "2" }, "Remove": [ "X-C" ] },
              "ResponseHeaders": { "Remove": "Server" }
            },
            "Backends": [ { "Name": "v1", "Weight": 90 }, "v2" ],
            "Timeout": "2m"
          } ],
          "Backends": { "v1": { "Endpoints": [ "http://10.0.0.1:80" ] }, "v2": { "Endpoints": "http://10.0.0.2:80" } }
        }
        """);

        Assert.Empty(snapshot.Problems);
        var route = Assert.Single(snapshot.Model.Routes);
        Assert.Equal("predict", route.Name);
        Assert.Equal("test.json", route.Source);
        Assert.Equal(["models.example.com"], route.Hostnames.ToArray());
        var match = Assert.Single(route.Matches);
        Assert.Equal(new PathMatch(PathMatchType.Exact, "/predict"), match.Path);
        Assert.Equal("POST", match.Method);
        Assert.Equal(new ValueMatch("X-Model", "v[0-9]", ValueMatchType.RegularExpression), Assert.Single(match.Headers));
        Assert.Equal(new ValueMatch("debug", "1"), Assert.Single(match.QueryParameters));
        Assert.Equal(new PathRewrite(PathRewriteType.ReplaceFullPath, "/v1/predict"), route.Filters.UrlRewrite!.Path);
        Assert.Equal("internal", route.Filters.UrlRewrite.Hostname);
        Assert.Equal([new("X-A", "1")], route.Filters.RequestHeaders!.Set.ToArray());
        Assert.Equal([new("X-B", "2")], route.Filters.RequestHeaders.Add.ToArray());
        Assert.Equal(["X-C"], route.Filters.RequestHeaders.Remove.ToArray());
        Assert.Equal(["Server"], route.Filters.ResponseHeaders!.Remove.ToArray());
        Assert.Equal([new BackendRef("v1", 90), new BackendRef("v2", 1)], route.Backends.ToArray());
        Assert.Equal(TimeSpan.FromMinutes(2), route.Timeout);
        Assert.Equal(["http://10.0.0.2:80"], snapshot.Model.Backends["v2"].Endpoints.ToArray());
    }

    [Fact]
    public void A_route_without_matches_takes_every_path_and_routes_keep_declaration_order()
    {
        var snapshot = Read("""{ "Routes": [ { "Name": "z", "Backends": [ "b" ] }, { "Name": "a", "Backends": [ "b" ] } ], "Backends": { "b": {} } }""");

        Assert.Equal(["z", "a"], snapshot.Model.Routes.Select(r => r.Name));
        Assert.Equal(PathMatch.Root, Assert.Single(snapshot.Model.Routes[0].Matches).Path);
    }

    [Fact]
    public void A_route_opts_in_to_path_parameters_and_encoded_slashes_with_booleans()
    {
        var snapshot = Read("""
        {
          "Routes": [
            { "Name": "java", "Backends": [ "b" ], "AllowPathParameters": true },
            { "Name": "files", "Backends": [ "b" ], "AllowEncodedSlashes": "true", "AllowPathParameters": false },
            { "Name": "plain", "Backends": [ "b" ] },
            { "Name": "typo", "Backends": [ "b" ], "AllowEncodedSlashes": "yes" }
          ],
          "Backends": { "b": {} }
        }
        """);

        Assert.Equal(
            [PathForms.Parameters, PathForms.EncodedSlashes, PathForms.None, PathForms.None],
            snapshot.Model.Routes.Select(r => r.AllowedPathForms));
        Assert.Equal("test.json: route 'typo', field 'AllowEncodedSlashes': 'yes' is not true or false", Assert.Single(snapshot.Problems).ToString());
    }

    [Fact]
    public void Every_shape_problem_is_reported_with_its_field()
    {
        var snapshot = Read("""
        {
          "Routs": [],
          "Routes": [
            { "Name": "r", "Matches": [ { "Path": { "Type": "Glob", "Value": "/x" } } ], "Backends": [ { "Name": "b", "Weight": "x" } ], "Timeout": "later", "Colour": "red" },
            { "Backends": [ "b" ] }
          ],
          "Backends": { "b": { "Endpoint": "http://x" } }
        }
        """);

        // The list of expected keys grows with every feature; the routing keys come first.
        Assert.StartsWith("test.json: section 'Gateway', field 'Routs': unknown field; expected one of: Routes, Backends, ", snapshot.Problems[0].ToString());
        Assert.Equal(
            [
                "test.json: route 'r', field 'Colour': unknown field; expected one of: Name, Hostnames, Matches, Filters, Backends, Timeout, Canary, RateLimitPolicy, Retry, MaxRequestBodySize, ResponseHeadersTimeout, AuthPolicy, RedirectToHttps, AllowPathParameters, AllowEncodedSlashes, ModelFromBody, ModelCanary, TokenLimitPolicy",
                "test.json: route 'r', field 'Matches[0].Path.Type': 'Glob' is not one of: PathPrefix, Exact, RegularExpression, StringPrefix",
                "test.json: route 'r', field 'Backends[0].Weight': 'x' is not a whole number",
                "test.json: route 'r', field 'Timeout': 'later' is not a duration such as 500ms, 30s, 2m or 00:00:30",
                "test.json: route #1, field 'Name': is required",
                "test.json: backend 'b', field 'Endpoint': unknown field; expected one of: Endpoints, HealthCheck, ConnectFailover, MaxConcurrentRequests, ConnectTimeout, IdleTimeout, LoadBalancing",
            ],
            snapshot.Problems.Skip(1).Select(p => p.ToString()));
    }
}
