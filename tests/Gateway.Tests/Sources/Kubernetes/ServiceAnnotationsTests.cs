using Gateway.Model;
using Gateway.Sources.Kubernetes;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class ServiceAnnotationsTests
{
    private static (ServiceExposure? Exposure, List<ModelProblem> Problems, List<ModelProblem> Warnings) Parse(Dictionary<string, string> annotations)
    {
        var problems = new List<ModelProblem>();
        var warnings = new List<ModelProblem>();
        var exposure = ServiceAnnotations.Parse(K8s.Service("llama", annotations), "test", problems, warnings);
        return (exposure, problems, warnings);
    }

    [Fact]
    public void Defaults_are_the_service_name_as_prefix_stripped_any_host_single_port()
    {
        var (exposure, problems, warnings) = Parse([]);
        Assert.Empty(problems);
        Assert.Empty(warnings);
        Assert.Equal(new ServiceExposure { Namespace = "ml", Name = "llama", PathPrefix = "/llama", StripPrefix = true }, exposure);
    }

    [Fact]
    public void Every_routing_annotation_is_read()
    {
        var (exposure, problems, _) = Parse(new()
        {
            ["mlgateway.io/path-prefix"] = "/v1/chat",
            ["mlgateway.io/strip-prefix"] = "False",
            ["mlgateway.io/host"] = "models.example.com",
            ["mlgateway.io/port"] = "8080",
            ["mlgateway.io/canary-of"] = "llama-stable",
            ["mlgateway.io/canary-weight"] = "25",
        });
        Assert.Empty(problems);
        Assert.Equal(
            new ServiceExposure
            {
                Namespace = "ml", Name = "llama", PathPrefix = "/v1/chat", StripPrefix = false, Host = "models.example.com",
                Port = "8080", CanaryOf = "llama-stable", CanaryWeight = 25,
            },
            exposure);
    }

    [Theory]
    [InlineData("mlgateway.io/path-prefix", "v1/chat", "'v1/chat' must start with '/'")]
    [InlineData("mlgateway.io/strip-prefix", "yes", "'yes' must be \"true\" or \"false\"")]
    [InlineData("mlgateway.io/canary-weight", "150", "'150' must be a whole number from 0 to 100")]
    [InlineData("mlgateway.io/canary-weight", "-5", "'-5' must be a whole number from 0 to 100")]
    [InlineData("mlgateway.io/rate-limit", "fast", "'fast' is not a rate")]
    [InlineData("mlgateway.io/rate-limit", "0/s", "'0/s' is not a rate")]
    [InlineData("mlgateway.io/rate-limit-burst", "lots", "'lots' must be a whole number")]
    [InlineData("mlgateway.io/rate-limit-key", "cookie", "'cookie' must be \"ip\" or \"header:<name>\"")]
    [InlineData("mlgateway.io/port", "", "must name a Service port")]
    [InlineData("mlgateway.io/host", "", "must not be empty")]
    [InlineData("mlgateway.io/auth-policy", "keys,", "'keys,' has an empty policy name")]
    [InlineData("mlgateway.io/auth-policy", "keys;jwt", "'keys;jwt' is not a policy name")]
    [InlineData("mlgateway.io/auth-policy", "none,keys", "'none' cannot be combined with other policies")]
    public void A_bad_value_is_a_problem_naming_service_and_annotation(string annotation, string value, string message)
    {
        var annotations = new Dictionary<string, string> { [annotation] = value };
        if (annotation == "mlgateway.io/canary-weight")
        {
            annotations["mlgateway.io/canary-of"] = "llama-stable";
        }

        if (annotation is "mlgateway.io/rate-limit-burst" or "mlgateway.io/rate-limit-key")
        {
            annotations["mlgateway.io/rate-limit"] = "30/m";
        }

        var (exposure, problems, _) = Parse(annotations);
        Assert.Null(exposure);
        var problem = Assert.Single(problems);
        Assert.Equal(("Service 'ml/llama'", $"metadata.annotations[{annotation}]"), (problem.Object, problem.Field));
        Assert.StartsWith(message, problem.Message);
    }

    [Theory]
    [InlineData("keys", new[] { "keys" })]
    [InlineData(" keys , employees,keys ", new[] { "keys", "employees" })]
    [InlineData("None", new string[0])]
    public void Auth_policy_annotation_lists_policies_of_which_any_admits(string value, string[] expected)
    {
        var (exposure, problems, warnings) = Parse(new() { ["mlgateway.io/auth-policy"] = value });
        Assert.Empty(problems);
        Assert.Empty(warnings);
        Assert.Equal(expected, exposure!.AuthPolicies.ToArray());
    }

    [Fact]
    public void Auth_policy_on_a_canary_is_ignored_with_a_warning_pointing_at_the_stable_service()
    {
        var (exposure, problems, warnings) = Parse(new()
        {
            ["mlgateway.io/auth-policy"] = "keys",
            ["mlgateway.io/canary-of"] = "llama-stable",
            ["mlgateway.io/canary-weight"] = "10",
        });
        Assert.Empty(problems);
        Assert.Empty(exposure!.AuthPolicies);
        var warning = Assert.Single(warnings);
        Assert.Equal("metadata.annotations[mlgateway.io/auth-policy]", warning.Field);
        Assert.Contains("route of 'llama-stable'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Canary_annotations_need_each_other_and_a_different_service()
    {
        Assert.Contains(Parse(new() { ["mlgateway.io/canary-of"] = "stable" }).Problems, p => p.Field.Contains("canary-weight") && p.Message.StartsWith("is required"));
        Assert.Contains(Parse(new() { ["mlgateway.io/canary-weight"] = "10" }).Problems, p => p.Message.StartsWith("needs mlgateway.io/canary-of"));
        Assert.Contains(Parse(new() { ["mlgateway.io/canary-of"] = "llama", ["mlgateway.io/canary-weight"] = "10" }).Problems, p => p.Message.StartsWith("names the Service itself"));
    }

    [Fact]
    public void Rate_limit_annotations_become_the_routes_policy_and_unknown_annotations_are_warnings()
    {
        var (exposure, problems, warnings) = Parse(new()
        {
            ["mlgateway.io/rate-limit"] = "30/m",
            ["mlgateway.io/rate-limit-burst"] = "5",
            ["mlgateway.io/rate-limit-key"] = "header:X-Api-Key",
            ["mlgateway.io/path-prefx"] = "/typo",
            ["other.io/ignored"] = "x",
        });

        Assert.Empty(problems);
        Assert.Equal(
            new RateLimitPolicy { Name = "service/ml/llama", Source = exposure!.RateLimit!.Source, Rate = "30/m", Burst = 5, Key = "header:X-Api-Key" },
            exposure.RateLimit);
        var warning = Assert.Single(warnings);
        Assert.Contains("path-prefx", warning.Field);
        Assert.StartsWith("is not a gateway annotation", warning.Message);
    }

    [Fact]
    public void Canary_override_annotations_belong_on_the_canary()
    {
        var (exposure, problems, _) = Parse(new()
        {
            ["mlgateway.io/canary-of"] = "stable",
            ["mlgateway.io/canary-weight"] = "10",
            ["mlgateway.io/canary-header"] = "X-Canary",
            ["mlgateway.io/canary-header-value"] = "yes",
            ["mlgateway.io/canary-cookie"] = "canary",
        });
        Assert.Empty(problems);
        Assert.Equal(("X-Canary", "yes", "canary"), (exposure!.CanaryHeader, exposure.CanaryHeaderValue, exposure.CanaryCookie));

        Assert.Contains(Parse(new() { ["mlgateway.io/canary-header"] = "X-Canary" }).Problems, p => p.Message.StartsWith("belongs on a canary Service"));
        Assert.Contains(Parse(new() { ["mlgateway.io/rate-limit-burst"] = "5" }).Problems, p => p.Message.StartsWith("needs mlgateway.io/rate-limit"));
    }

    [Fact]
    public void Resilience_annotations_configure_the_backend()
    {
        var (exposure, problems, _) = Parse(new()
        {
            ["mlgateway.io/health-path"] = "/ready",
            ["mlgateway.io/health-interval"] = "5s",
            ["mlgateway.io/health-unhealthy-threshold"] = "2",
            ["mlgateway.io/outlier-consecutive-failures"] = "3",
            ["mlgateway.io/outlier-ejection-period"] = "1m",
            ["mlgateway.io/max-concurrent-requests"] = "8",
            ["mlgateway.io/connect-timeout"] = "2s",
            ["mlgateway.io/connect-failover"] = "false",
        });

        Assert.Empty(problems);
        var backend = exposure!.Backend;
        Assert.Null(backend.ConnectFailover);
        Assert.Equal(ConnectFailover.Default, Parse(new()).Exposure!.Backend.ConnectFailover);
        Assert.Equal(new ActiveHealthCheck { Path = "/ready", Interval = TimeSpan.FromSeconds(5), UnhealthyThreshold = 2 }, backend.HealthCheck!.Active);
        Assert.Equal(new PassiveHealthCheck { ConsecutiveFailures = 3, EjectionPeriod = TimeSpan.FromMinutes(1) }, backend.HealthCheck.Passive);
        Assert.Equal(8, backend.MaxConcurrentRequests);
        Assert.Equal(TimeSpan.FromSeconds(2), backend.ConnectTimeout);
    }

    [Theory]
    [InlineData("mlgateway.io/health-interval", "5s", "needs mlgateway.io/health-path")]
    [InlineData("mlgateway.io/health-path", "ready", "'ready' must start with '/'")]
    [InlineData("mlgateway.io/max-concurrent-requests", "0", "'0' must be a whole number, 1 or more")]
    [InlineData("mlgateway.io/connect-timeout", "soon", "'soon' is not a duration")]
    [InlineData("mlgateway.io/connect-failover", "off", "'off' must be \"true\" or \"false\"")]
    [InlineData("mlgateway.io/outlier-ejection-period", "30s", "needs mlgateway.io/outlier-consecutive-failures")]
    public void Bad_resilience_annotations_are_problems(string annotation, string value, string message)
    {
        var problem = Assert.Single(Parse(new() { [annotation] = value }).Problems);
        Assert.Equal($"metadata.annotations[{annotation}]", problem.Field);
        Assert.StartsWith(message, problem.Message);
    }
}
