using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>Every metric the shipped Grafana dashboard queries must be one the gateway exports, or its panels stay empty.</summary>
public sealed partial class DashboardTests : TwoBackendTest
{
    [Fact]
    public async Task Every_dashboard_query_names_an_exported_metric()
    {
        // Some series (errors) only exist once they happened.
        B.Handler = context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        await using var gateway = await TestGateway.StartAsync(new
        {
            Routes = new object[]
            {
                new { Name = "split", Backends = new object[] { new { Name = "a", Weight = 1 }, new { Name = "b", Weight = 1 } }, RateLimitPolicy = "tight" },
                new { Name = "secure", Matches = new[] { new { Path = "/secure" } }, Backends = new object[] { "a" }, AuthPolicy = "keys" },
            },
            RateLimitPolicies = new Dictionary<string, object> { ["tight"] = new { Rate = "10/m", Burst = 5 } },
            AuthPolicies = new Dictionary<string, object> { ["keys"] = new { Type = "ApiKey", ApiKey = new { Keys = Array.Empty<object>() } } },
            Backends,
        });
        for (var i = 0; i < 20; i++)
        {
            (await gateway.Client.GetAsync("/x")).Dispose();
        }

        (await gateway.Client.GetAsync("/secure")).Dispose();

        var exported = await gateway.Admin.GetStringAsync("/metrics");
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(DashboardPath()))!;
        var queries = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => (string)t!["expr"]!).ToList();

        Assert.NotEmpty(queries);
        var missing = queries.SelectMany(q => MetricName().Matches(q).Select(m => m.Value))
            .Distinct()
            .Where(name => !exported.Contains("\n" + name + "{", StringComparison.Ordinal) && !exported.StartsWith(name + "{", StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, "the dashboard queries metrics the gateway does not export: " + string.Join(", ", missing));
    }

    [GeneratedRegex("\\b(gateway|kestrel)_[a-z_]+\\b")]
    private static partial Regex MetricName();

    private static string DashboardPath([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "deploy", "grafana", "gateway-dashboard.json"));
}
