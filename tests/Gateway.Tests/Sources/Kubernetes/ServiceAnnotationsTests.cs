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
    public void A_bad_value_is_a_problem_naming_service_and_annotation(string annotation, string value, string message)
    {
        var annotations = new Dictionary<string, string> { [annotation] = value };
        if (annotation == "mlgateway.io/canary-weight")
        {
            annotations["mlgateway.io/canary-of"] = "llama-stable";
        }

        var (exposure, problems, _) = Parse(annotations);
        Assert.Null(exposure);
        var problem = Assert.Single(problems);
        Assert.Equal(("Service 'ml/llama'", $"metadata.annotations[{annotation}]"), (problem.Object, problem.Field));
        Assert.StartsWith(message, problem.Message);
    }

    [Fact]
    public void Canary_annotations_need_each_other_and_a_different_service()
    {
        Assert.Contains(Parse(new() { ["mlgateway.io/canary-of"] = "stable" }).Problems, p => p.Field.Contains("canary-weight") && p.Message.StartsWith("is required"));
        Assert.Contains(Parse(new() { ["mlgateway.io/canary-weight"] = "10" }).Problems, p => p.Message.StartsWith("needs mlgateway.io/canary-of"));
        Assert.Contains(Parse(new() { ["mlgateway.io/canary-of"] = "llama", ["mlgateway.io/canary-weight"] = "10" }).Problems, p => p.Message.StartsWith("names the Service itself"));
    }

    [Fact]
    public void Valid_but_unimplemented_and_unknown_annotations_are_warnings_and_the_service_is_kept()
    {
        var (exposure, problems, warnings) = Parse(new()
        {
            ["mlgateway.io/rate-limit"] = "30/m",
            ["mlgateway.io/rate-limit-key"] = "header:X-Api-Key",
            ["mlgateway.io/canary-header"] = "X-Canary",
            ["mlgateway.io/path-prefx"] = "/typo",
            ["other.io/ignored"] = "x",
        });
        Assert.NotNull(exposure);
        Assert.Empty(problems);
        Assert.Equal(
            ["mlgateway.io/canary-header", "mlgateway.io/path-prefx", "mlgateway.io/rate-limit", "mlgateway.io/rate-limit-key"],
            warnings.Select(w => w.Field.Replace("metadata.annotations[", "").TrimEnd(']')).Order());
        Assert.Contains(warnings, w => w.Field.Contains("path-prefx") && w.Message.StartsWith("is not a gateway annotation"));
        Assert.Contains(warnings, w => w.Field.Contains("rate-limit]") && w.Message.StartsWith("is not supported by this gateway version yet"));
    }
}
