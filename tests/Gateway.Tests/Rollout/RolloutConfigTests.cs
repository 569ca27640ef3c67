using System.Text;
using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Sources.File;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Rollout;

public sealed class RolloutConfigTests
{
    private static SourceSnapshot Read(string canaryJson)
    {
        var json = $$"""
            {
              "Routes": [ { "Name": "predict", "Backends": [ { "Name": "v1", "Weight": 90 }, { "Name": "v2", "Weight": 10 } ], "Canary": {{canaryJson}} } ],
              "Backends": { "v1": { "Endpoints": [ "http://127.0.0.1:1" ] }, "v2": { "Endpoints": [ "http://127.0.0.1:2" ] } }
            }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return GatewayConfigReader.Read(configuration, "test.json", GatewayConfigReader.RoutingKeys);
    }

    private static List<string> Problems(string canaryJson)
    {
        var snapshot = Read(canaryJson);
        return [.. snapshot.Problems.Concat(ModelValidator.Validate(snapshot.Model)).Select(p => p.ToString())];
    }

    [Fact]
    public void Reads_every_rollout_field()
    {
        var snapshot = Read("""
            { "Backend": "v2", "Rollout": { "Steps": [ 5, 20, 100 ], "Interval": "30s", "MinRequests": 50, "MaxErrorRate": "2.5%",
              "MaxErrorRateRatio": 2, "MaxP99Latency": "800ms", "MaxP99LatencyRatio": "1.5", "Revision": "v2.1", "Control": "pause" } }
            """);

        Assert.Empty(snapshot.Problems);
        Assert.Empty(ModelValidator.Validate(snapshot.Model));
        var rollout = snapshot.Model.Routes[0].Canary!.Rollout!;
        Assert.Equal([5, 20, 100], rollout.Steps.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(30), rollout.Interval);
        Assert.Equal(50, rollout.MinRequests);
        Assert.Equal(0.025, rollout.MaxErrorRate!.Value, 9);
        Assert.Equal(2, rollout.MaxErrorRateRatio);
        Assert.Equal(TimeSpan.FromMilliseconds(800), rollout.MaxP99Latency);
        Assert.Equal(1.5, rollout.MaxP99LatencyRatio);
        Assert.Equal("v2.1", rollout.Revision);
        Assert.Equal(RolloutControl.Pause, rollout.Control);
    }

    [Fact]
    public void Defaults_step_through_1_5_10_25_50_100_every_minute_with_100_requests()
    {
        var rollout = Read("""{ "Backend": "v2", "Rollout": { "MaxErrorRate": 0.01, "Steps": "1, 5, 10, 25, 50, 100" } }""").Model.Routes[0].Canary!.Rollout!;

        Assert.Equal([1, 5, 10, 25, 50, 100], rollout.Steps.ToArray());
        Assert.Equal(TimeSpan.FromMinutes(1), rollout.Interval);
        Assert.Equal(100, rollout.MinRequests);
        Assert.Equal(0.01, rollout.MaxErrorRate);
        Assert.Null(rollout.MaxP99Latency);
    }

    [Theory]
    [InlineData("""{ "Rollout": { "MaxErrorRate": "1%" } }""", "field 'Canary.Backend': is required with Canary.Rollout")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "Steps": [ 10, 5 ] } }""", "field 'Canary.Rollout.Steps': must ascend: 5 follows 10")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "Steps": [ 0, 5 ] } }""", "field 'Canary.Rollout.Steps': 0 is not a percentage from 1 to 100")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "Steps": [ 50, 150 ] } }""", "field 'Canary.Rollout.Steps': 150 is not a percentage from 1 to 100")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "Steps": "1,x" } }""", "field 'Canary.Rollout.Steps': '1,x' is not a list of whole percentages")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "Interval": "0s" } }""", "field 'Canary.Rollout.Interval': must be longer than zero")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "Interval": "soon" } }""", "field 'Canary.Rollout.Interval': 'soon' is not a duration")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "MinRequests": -1 } }""", "field 'Canary.Rollout.MinRequests': -1 must be 0 or more")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "MaxErrorRate": "150%" } }""", "field 'Canary.Rollout.MaxErrorRate': 1.5 is not a share from 0 to 1")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "MaxErrorRate": "few" } }""", "field 'Canary.Rollout.MaxErrorRate': 'few' is not a share such as 1% or 0.01")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "MaxErrorRateRatio": 0.5 } }""", "field 'Canary.Rollout.MaxErrorRateRatio': 0.5 must be 1 or more")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "MaxP99LatencyRatio": "slow" } }""", "field 'Canary.Rollout.MaxP99LatencyRatio': 'slow' is not a multiple")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "Control": "stop" } }""", "field 'Canary.Rollout.Control': 'stop' is not one of: None, Pause, Abort, Promote")]
    [InlineData("""{ "Backend": "v2", "Rollout": { "Step": [ 1 ] } }""", "field 'Canary.Rollout.Step': unknown field")]
    [InlineData("""{ "Backend": "v2", "Rollout": "fast" }""", "field 'Canary.Rollout': must be an object")]
    public void Invalid_rollout_settings_are_reported_with_route_and_field(string canary, string expected)
    {
        var problem = Assert.Single(Problems(canary));

        Assert.StartsWith("test.json: route 'predict', ", problem);
        Assert.Contains(expected, problem);
    }
}
