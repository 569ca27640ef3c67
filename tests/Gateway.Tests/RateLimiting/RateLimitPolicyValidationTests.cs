using Gateway.Model;
using Gateway.Model.Validation;
using Gateway.Sources.File;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.RateLimiting;

public sealed class RateLimitPolicyValidationTests
{
    private static List<ModelProblem> Problems(Dictionary<string, string?> policy, string? routePolicy = "p")
    {
        var settings = new Dictionary<string, string?>
        {
            ["Routes:0:Name"] = "r",
            ["Routes:0:Backends:0"] = "b",
            ["Backends:b:Endpoints:0"] = "http://127.0.0.1:1",
        };
        if (routePolicy is not null)
        {
            settings["Routes:0:RateLimitPolicy"] = routePolicy;
        }

        foreach (var (key, value) in policy)
        {
            settings[$"RateLimitPolicies:p:{key}"] = value;
        }

        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var snapshot = GatewayConfigReader.Read(section, "test", GatewayConfigReader.RoutingKeys);
        return snapshot.Problems.IsEmpty ? ModelValidator.Validate(snapshot.Model) : [.. snapshot.Problems];
    }

    private static string Single(List<ModelProblem> problems)
    {
        Assert.Single(problems);
        return problems[0].ToString();
    }

    [Fact]
    public void A_complete_policy_is_read_and_valid()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Rate"] = "30/m", ["Burst"] = "10", ["Key"] = "ip+header:X-Api-Key", ["StatusCode"] = "503", ["Queue"] = "2",
            ["Mode"] = "global", ["FailMode"] = "closed", ["Timeout"] = "20ms",
        };
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(p => $"RateLimitPolicies:p:{p.Key}", p => p.Value)).Build();
        var policy = GatewayConfigReader.Read(section, "test", GatewayConfigReader.RoutingKeys).Model.RateLimitPolicies["p"];

        Assert.Equal(new RateLimitPolicy
        {
            Name = "p", Source = "test", Rate = "30/m", Burst = 10, Key = "ip+header:X-Api-Key", StatusCode = 503, Queue = 2,
            Mode = RateLimitMode.Global, FailMode = RateLimitFailMode.Closed, Timeout = TimeSpan.FromMilliseconds(20),
        }, policy);
        Assert.Empty(Problems(settings));
    }

    [Fact]
    public void Unknown_policy_reference_names_the_route()
    {
        var message = Single(Problems(new() { ["Rate"] = "5/s" }, routePolicy: "missing"));
        Assert.Equal("test: route 'r', field 'RateLimitPolicy': policy 'missing' is not defined in 'RateLimitPolicies'; defined policies: p", message);
    }

    [Theory]
    [InlineData("Rate", "30/x", "field 'Rate': '30/x' is not tokens per period such as 5/s, 30/m or 100/h")]
    [InlineData("Rate", "0/s", "field 'Rate': '0/s' is not tokens per period")]
    [InlineData("Rate", "", "field 'Rate': is required")]
    [InlineData("Burst", "0", "field 'Burst': is 0; it must be between 1 and 1000000")]
    [InlineData("Queue", "-1", "field 'Queue': is -1")]
    [InlineData("StatusCode", "200", "field 'StatusCode': 200 is not an error status")]
    [InlineData("Key", "ip+cookie", "field 'Key': 'ip+cookie': part 'cookie' is unknown or repeated")]
    [InlineData("Key", "header:", "field 'Key': 'header:': '' is not a valid header name")]
    [InlineData("Key", "ip+ip", "field 'Key': 'ip+ip': part 'ip' is unknown or repeated")]
    [InlineData("FailMode", "sideways", "field 'FailMode': 'sideways' is not one of: Open, Closed")]
    [InlineData("Mode", "cluster", "field 'Mode': 'cluster' is not one of: Local, Global")]
    [InlineData("Timeout", "0ms", "field 'Timeout': is 0 ms; it must be above 0")]
    [InlineData("Limit", "5", "field 'Limit': unknown field; expected one of: Rate, Burst")]
    public void Every_bad_field_is_reported_with_policy_and_field(string field, string value, string expected)
    {
        var policy = new Dictionary<string, string?> { ["Rate"] = "5/s", [field] = value };
        var message = Single(Problems(policy));
        Assert.StartsWith("test: rate-limit policy 'p', ", message);
        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData("30/m", 30, 60)]
    [InlineData(" 5 / s ", 5, 1)]
    [InlineData("100/h", 100, 3600)]
    public void Rates_parse(string text, int tokens, int seconds)
    {
        Assert.True(RateLimitRate.TryParse(text, out var rate));
        Assert.Equal(new RateLimitRate(tokens, TimeSpan.FromSeconds(seconds)), rate);
    }

    [Theory]
    [InlineData("ip", true, null, false)]
    [InlineData("header:X-Api-Key", false, "X-Api-Key", false)]
    [InlineData("route", false, null, true)]
    [InlineData("IP + header:X-Api-Key", true, "X-Api-Key", false)]
    [InlineData("route+ip", true, null, true)]
    public void Keys_parse(string text, bool ip, string? header, bool route)
    {
        Assert.True(RateLimitKeySpec.TryParse(text, out var spec, out _));
        Assert.Equal(new RateLimitKeySpec(ip, header, route), spec);
    }

    [Fact]
    public void A_configmap_file_may_hold_policies_and_a_later_source_replaces_a_policy()
    {
        var low = new GatewayModel { RateLimitPolicies = Policies(new RateLimitPolicy { Name = "p", Rate = "1/s" }) };
        var high = new GatewayModel { RateLimitPolicies = Policies(new RateLimitPolicy { Name = "p", Rate = "2/s" }) };
        Assert.Equal("2/s", ModelMerger.Merge([low, high]).RateLimitPolicies["p"].Rate);
        Assert.Contains("RateLimitPolicies", GatewayConfigReader.RoutingKeys);
    }

    [Fact]
    public void A_second_limit_is_validated_and_may_not_be_combined_with_plans()
    {
        var bad = new RateLimitPolicy { Name = "p/rpm", Rate = "thirty/m" };
        var problems = ModelValidator.Validate(new GatewayModel { RateLimitPolicies = Policies(new RateLimitPolicy { Name = "p", Rate = "5/s", Also = bad }) });
        Assert.Contains("rate-limit policy 'p/rpm', field 'Rate': 'thirty/m' is not", Single(problems), StringComparison.Ordinal);

        var planned = new RateLimitPolicy
        {
            Name = "p",
            Rate = "5/s",
            Key = "identity",
            Plans = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("pro", "50/s"),
            Also = new RateLimitPolicy { Name = "p/rpm", Rate = "30/m" },
        };
        Assert.Contains("field 'Also': is a second limit of its own", Single(ModelValidator.Validate(new GatewayModel { RateLimitPolicies = Policies(planned) })), StringComparison.Ordinal);
    }

    private static System.Collections.Immutable.ImmutableDictionary<string, RateLimitPolicy> Policies(RateLimitPolicy policy) =>
        System.Collections.Immutable.ImmutableDictionary<string, RateLimitPolicy>.Empty.Add(policy.Name, policy);
}
