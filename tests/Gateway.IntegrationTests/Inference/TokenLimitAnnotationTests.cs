using System.Net;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes;
using Microsoft.AspNetCore.Http;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// Token budgets from Service annotations: one Service with its own (<c>mlgateway.io/token-limit</c>), one naming a
/// configured policy (<c>mlgateway.io/token-limit-policy</c>). Each answer reports 70 tokens of usage.
/// </summary>
public sealed class TokenLimitAnnotationTests : KubernetesTest
{
    private static Task Answer70Tokens(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("""{"choices":[],"usage":{"prompt_tokens":40,"completion_tokens":30,"total_tokens":70}}""");
    }

    [Fact]
    public async Task A_service_budget_and_a_configured_one_refuse_the_third_request_of_a_caller()
    {
        A.Handler = Answer70Tokens;
        B.Handler = Answer70Tokens;
        Api.Apply(Service("llama", new() { ["mlgateway.io/token-limit"] = "100/h" }));
        Api.Apply(EndpointSlice("llama-x1", "llama", PortOf(A.Url), endpoints: Kubernetes.Endpoint.ReadyPod));
        Api.Apply(Service("mistral", new() { ["mlgateway.io/token-limit-policy"] = "shared-tokens" }));
        Api.Apply(EndpointSlice("mistral-x1", "mistral", PortOf(B.Url), endpoints: Kubernetes.Endpoint.ReadyPod));
        await using var k8s = await KubernetesGateway.StartAsync(Api, new
        {
            RateLimitPolicies = new Dictionary<string, object> { ["shared-tokens"] = new { Unit = "Tokens", Rate = "100/h", Key = "ip" } },
        });
        await Eventually.TrueAsync(
            async () => (await k8s.ConfigAsync()).ToJsonString() is var config
                && config.Contains("\"tokenLimitPolicy\":\"shared-tokens\"", StringComparison.Ordinal)
                && config.Contains("/llama/tokens\"", StringComparison.Ordinal),
            "both Services' routes with their budgets");

        foreach (var (path, policy) in new[] { ("/llama", "service/default/llama/tokens"), ("/mistral", "shared-tokens") })
        {
            // 100 tokens: the first answer leaves 30, the second is admitted on them and leaves a debt of 40.
            using var first = await k8s.Gateway.Client.GetAsync(path);
            using var second = await k8s.Gateway.Client.GetAsync(path);
            using var third = await k8s.Gateway.Client.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.StartsWith($"\"{policy}\";r=30;", string.Join(", ", second.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.NotNull(third.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(2, A.RequestCount);
        Assert.Equal(2, B.RequestCount);
    }
}
