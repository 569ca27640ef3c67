using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;
using k8s;
using k8s.Models;

namespace Gateway.IntegrationTests.Deploy;

/// <summary>
/// The monitoring kit (deploy/components/monitoring) queries only metrics the gateway exports, or its alerts never fire
/// and its panels stay empty.
/// </summary>
public sealed partial class MonitoringTests : TwoBackendTest
{
    private const string Kit = "components/monitoring";

    private static readonly Dictionary<string, Type> MonitoringTypes = new()
    {
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(CustomResource),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(CustomResource),
    };

    [Fact]
    public async Task The_exporters_names_are_the_names_read_from_the_code()
    {
        // Some series (errors, limits, auth) only exist once they happened.
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

        var all = SeriesNames(await gateway.Admin.GetStringAsync("/metrics")).ToList();
        var scraped = all.Where(n => n.StartsWith("gateway_", StringComparison.Ordinal)).ToList();
        var fromCode = ExportedMetrics.FromSource();

        // Kestrel's meter is not in our code: what the dashboard reads from it must be in the scrape.
        var dashboard = JsonNode.Parse((await LoadKitAsync()).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "mlgateway-dashboard").Data.Single().Value)!;
        var kestrel = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray())
            .SelectMany(t => MetricName().Matches((string)t!["expr"]!).Select(m => m.Value))
            .Where(n => n.StartsWith("kestrel_", StringComparison.Ordinal))
            .ToList();
        Assert.All(kestrel, n => Assert.Contains(n, all));

        Assert.Contains("gateway_requests_total", scraped);
        Assert.Contains("gateway_request_duration_seconds_bucket", scraped);
        Assert.Contains("gateway_ratelimit_decisions_total", scraped);
        Assert.Contains("gateway_backend_endpoints", scraped);
        var unknown = scraped.Where(n => !fromCode.ContainsKey(n)).ToList();
        Assert.True(unknown.Count == 0, "the gateway exports series the code reading does not name (fix ExportedMetrics): " + string.Join(", ", unknown));
    }

    [Fact]
    public async Task Every_alert_names_only_exported_metrics_and_the_kit_covers_the_failures_operators_page_on()
    {
        var rules = (await LoadKitAsync()).OfType<CustomResource>().Where(r => r.Kind == "PrometheusRule")
            .SelectMany(r => ((JsonArray)ToJson(r.Spec)["groups"]!).SelectMany(g => g!["rules"]!.AsArray()))
            .Select(r => (Alert: (string)r!["alert"]!, Expr: (string)r["expr"]!))
            .ToList();
        var exported = ExportedMetrics.FromSource();

        Assert.NotEmpty(rules);
        foreach (var (alert, expr) in rules)
        {
            var names = MetricName().Matches(expr).Select(m => m.Value).ToList();
            Assert.True(names.Count > 0, $"alert {alert} queries no gateway metric: {expr}");
            var missing = names.Where(n => !exported.ContainsKey(n)).ToList();
            Assert.True(missing.Count == 0, $"alert {alert} queries metrics the gateway does not export: {string.Join(", ", missing)}");
        }

        var queried = rules.SelectMany(r => MetricName().Matches(r.Expr).Select(m => m.Value)).ToHashSet();
        Assert.Subset(queried, new HashSet<string>
        {
            "gateway_requests_total",
            "gateway_config_reloads_total",
            "gateway_backend_endpoints",
            "gateway_ratelimit_redis_circuit_open",
            "gateway_tls_certificate_expiry_seconds",
        });
    }

    [Fact]
    public async Task Every_dashboard_query_names_an_exported_metric_and_the_dashboard_is_a_sidecar_configmap()
    {
        var dashboardMap = (await LoadKitAsync()).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "mlgateway-dashboard");
        var dashboard = JsonNode.Parse(Assert.Single(dashboardMap.Data).Value)!;
        var queries = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => (string)t!["expr"]!).ToList();
        var exported = ExportedMetrics.FromSource();

        Assert.Equal("1", dashboardMap.Metadata.Labels["grafana_dashboard"]);
        Assert.NotEmpty(queries);
        var names = queries.SelectMany(q => MetricName().Matches(q).Select(m => m.Value)).ToHashSet();

        // Kestrel's own meter is not in our code: its names are checked against a live scrape above.
        var missing = names.Where(n => !exported.ContainsKey(n) && !n.StartsWith("kestrel_", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "the dashboard queries metrics the gateway does not export: " + string.Join(", ", missing));
        Assert.Subset(names, new HashSet<string> { "gateway_retries_total", "gateway_health_transitions_total", "gateway_concurrency_rejections_total" });
    }

    private static async Task<List<object>> LoadKitAsync() =>
        KubernetesYaml.LoadAllFromString(await Kustomize.RenderOnBaseAsync(Kit), MonitoringTypes, strict: true);

    private static JsonObject ToJson(Dictionary<string, object> spec) => JsonNode.Parse(KubernetesJson.Serialize(spec))!.AsObject();

    /// <summary>The series names of a Prometheus text exposition (comment lines skipped).</summary>
    private static IEnumerable<string> SeriesNames(string exposition) =>
        exposition.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l[..l.IndexOfAny(['{', ' '])])
            .Distinct();

    [GeneratedRegex("\\b(gateway|kestrel)_[a-z_]+\\b")]
    private static partial Regex MetricName();
}
