using Gateway.Model;
using Gateway.Sources.Kubernetes;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class ServiceLoadBalancingAnnotationsTests
{
    private static (ServiceExposure? Exposure, List<ModelProblem> Problems, List<ModelProblem> Warnings) Parse(Dictionary<string, string> annotations)
    {
        var problems = new List<ModelProblem>();
        var warnings = new List<ModelProblem>();
        var exposure = ServiceAnnotations.Parse(K8s.Service("llama", annotations), "test", problems, warnings);
        return (exposure, problems, warnings);
    }

    [Fact]
    public void Every_load_aware_annotation_is_read()
    {
        var (exposure, problems, warnings) = Parse(new()
        {
            ["mlgateway.io/load-balancing"] = "load-aware",
            ["mlgateway.io/metrics-path"] = "/stats",
            ["mlgateway.io/metrics-port"] = "8002",
            ["mlgateway.io/scrape-interval"] = "500ms",
            ["mlgateway.io/max-queue-depth"] = "8",
            ["mlgateway.io/max-kv-cache-usage"] = "0.85",
            ["mlgateway.io/gateway-queue-size"] = "20",
            ["mlgateway.io/gateway-queue-wait"] = "5s",
            ["mlgateway.io/critical-queue-wait"] = "1m",
        });

        Assert.Empty(problems);
        Assert.Empty(warnings);
        var expected = new LoadAwareSettings
        {
            MetricsPath = "/stats", MetricsPort = 8002, ScrapeInterval = TimeSpan.FromMilliseconds(500), MaxQueueDepth = 8, MaxKvCacheUsage = 0.85,
            MaxQueued = 20, MaxQueueWait = TimeSpan.FromSeconds(5), CriticalMaxQueueWait = TimeSpan.FromMinutes(1),
        };
        Assert.Equal(new LoadBalancingPolicy { Mode = LoadBalancingMode.LoadAware, LoadAware = expected }, exposure!.Backend.LoadBalancing);
        Assert.Equal(LoadAwareSettings.Default, Parse(new() { ["mlgateway.io/load-balancing"] = "load-aware" }).Exposure!.Backend.LoadBalancing!.LoadAware);
        Assert.Equal(LoadBalancingMode.RoundRobin, Parse(new() { ["mlgateway.io/load-balancing"] = "round-robin" }).Exposure!.Backend.LoadBalancing!.Mode);
        Assert.Null(Parse([]).Exposure!.Backend.LoadBalancing);
    }

    [Theory]
    [InlineData("mlgateway.io/load-balancing", "fastest", "'fastest' must be one of: least-requests, round-robin, random, load-aware")]
    [InlineData("mlgateway.io/max-queue-depth", "4", "needs mlgateway.io/load-balancing: load-aware")]
    public void A_bad_mode_or_a_setting_without_load_aware_mode_names_the_annotation(string annotation, string value, string message)
    {
        var (exposure, problems, _) = Parse(new() { [annotation] = value });

        Assert.Null(exposure);
        var problem = Assert.Single(problems);
        Assert.Equal($"metadata.annotations[{annotation}]", problem.Field);
        Assert.Equal(message, problem.Message);
    }

    [Theory]
    [InlineData("mlgateway.io/metrics-path", "metrics", "'metrics' must start with '/', e.g. /metrics")]
    [InlineData("mlgateway.io/metrics-port", "0", "'0' must be a whole number from 1 to 65535")]
    [InlineData("mlgateway.io/scrape-interval", "10ms", "'10ms' is not a duration of 100ms or more, such as 500ms, 1s or 30s")]
    [InlineData("mlgateway.io/max-kv-cache-usage", "90", "'90' must be a fraction above 0 and at most 1, e.g. 0.9")]
    [InlineData("mlgateway.io/gateway-queue-size", "-1", "'-1' must be a whole number from 0 to 2147483647")]
    [InlineData("mlgateway.io/critical-queue-wait", "1s", "is shorter than mlgateway.io/gateway-queue-wait; Critical requests wait at least as long as Standard ones")]
    public void A_bad_load_aware_value_names_the_annotation(string annotation, string value, string message)
    {
        var (exposure, problems, _) = Parse(new() { ["mlgateway.io/load-balancing"] = "load-aware", [annotation] = value });

        Assert.Null(exposure);
        var problem = Assert.Single(problems);
        Assert.Equal($"metadata.annotations[{annotation}]", problem.Field);
        Assert.Equal(message, problem.Message);
    }
}
