using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Model.Validation;
using Gateway.Sources.Kubernetes;
using Gateway.Tests.Sources.Kubernetes;

namespace Gateway.Tests.Rollout;

public sealed class RolloutAnnotationsTests
{
    private static (ServiceExposure? Exposure, List<string> Problems) Parse(Dictionary<string, string> annotations)
    {
        var problems = new List<ModelProblem>();
        var exposure = ServiceAnnotations.Parse(K8s.Service("llama-v2", annotations), "test", problems, []);
        return (exposure, [.. problems.Select(p => p.ToString())]);
    }

    [Fact]
    public void Every_rollout_annotation_is_read_and_the_canary_weight_is_not_needed()
    {
        var (exposure, problems) = Parse(new()
        {
            ["mlgateway.io/canary-of"] = "llama",
            ["mlgateway.io/rollout-steps"] = "5, 25, 100",
            ["mlgateway.io/rollout-interval"] = "2m",
            ["mlgateway.io/rollout-min-requests"] = "200",
            ["mlgateway.io/rollout-max-error-rate"] = "1%",
            ["mlgateway.io/rollout-max-error-rate-ratio"] = "2",
            ["mlgateway.io/rollout-max-p99-latency"] = "1s",
            ["mlgateway.io/rollout-max-p99-latency-ratio"] = "1.5",
            ["mlgateway.io/rollout-revision"] = "llama-3.1",
            ["mlgateway.io/rollout-control"] = "pause",
        });

        Assert.Empty(problems);
        var rollout = exposure!.Rollout!;
        Assert.Equal([5, 25, 100], rollout.Steps.ToArray());
        Assert.Equal(TimeSpan.FromMinutes(2), rollout.Interval);
        Assert.Equal(200, rollout.MinRequests);
        Assert.Equal(0.01, rollout.MaxErrorRate);
        Assert.Equal(2, rollout.MaxErrorRateRatio);
        Assert.Equal(TimeSpan.FromSeconds(1), rollout.MaxP99Latency);
        Assert.Equal(1.5, rollout.MaxP99LatencyRatio);
        Assert.Equal("llama-3.1", rollout.Revision);
        Assert.Equal(RolloutControl.Pause, rollout.Control);
    }

    [Theory]
    [InlineData("mlgateway.io/rollout-steps", "10,5", "'10,5' must be ascending whole percentages from 1 to 100")]
    [InlineData("mlgateway.io/rollout-steps", "50,200", "'50,200' must be ascending whole percentages from 1 to 100")]
    [InlineData("mlgateway.io/rollout-interval", "soon", "'soon' is not a duration")]
    [InlineData("mlgateway.io/rollout-min-requests", "-3", "'-3' must be a whole number of requests")]
    [InlineData("mlgateway.io/rollout-max-error-rate", "120%", "'120%' is not a share from 0 to 100%")]
    [InlineData("mlgateway.io/rollout-max-error-rate-ratio", "0.5", "'0.5' must be a multiple of the primary's value, 1 or more")]
    [InlineData("mlgateway.io/rollout-max-p99-latency", "0s", "'0s' is not a duration")]
    [InlineData("mlgateway.io/rollout-control", "stop", "'stop' must be \"pause\", \"abort\" or \"promote\"")]
    public void A_bad_rollout_annotation_names_the_service_and_the_annotation(string annotation, string value, string expected)
    {
        var (exposure, problems) = Parse(new() { ["mlgateway.io/canary-of"] = "llama", [annotation] = value });

        Assert.Null(exposure);
        var problem = Assert.Single(problems);
        Assert.Contains($"Service 'ml/llama-v2', field 'metadata.annotations[{annotation}]': {expected}", problem);
    }

    [Fact]
    public void Rollout_annotations_on_a_stable_service_are_refused()
    {
        var (_, problems) = Parse(new() { ["mlgateway.io/rollout-steps"] = "10,100" });

        Assert.Contains("field 'metadata.annotations[mlgateway.io/rollout-steps]': rollout annotations belong on a canary Service", Assert.Single(problems));
    }

    [Fact]
    public void The_rolled_out_canary_becomes_the_routes_canary_with_its_policy()
    {
        var services = new[] { K8s.Service("llama"), K8s.Service("llama-v2", new() { ["mlgateway.io/canary-of"] = "llama", ["mlgateway.io/rollout-steps"] = "10,50,100" }) };
        var snapshot = new ModelParts(new ValidationCache()).Admit(new ServiceProcessor().Build(services.Select(CachedObjectCompaction.Compact), new EndpointSliceIndex([])));

        Assert.Empty(snapshot.Problems);
        Assert.Empty(snapshot.Warnings);
        var route = Assert.Single(snapshot.Model.Routes);
        Assert.Equal("service/ml/llama-v2", route.Canary!.Backend);
        Assert.Equal([10, 50, 100], route.Canary.Rollout!.Steps.ToArray());
        Assert.Empty(ModelValidator.Validate(snapshot.Model));
    }
}
