using System.Net;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes;
using Gateway.IntegrationTests.Kubernetes.GatewayApi;
using Gateway.Tests.Sources.Kubernetes.GatewayApi;
using Microsoft.AspNetCore.Http;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Inference;

/// <summary>
/// Token budgets from annotations: one Service with its own (<c>mlgateway.io/token-limit</c>), one naming a configured
/// policy (<c>mlgateway.io/token-limit-policy</c>); an Ingress and an HTTPRoute with their own, and an Ingress with a bad
/// one, served without it. Each answer reports 70 tokens of usage.
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

    [Fact]
    public async Task An_ingress_and_an_httproute_budget_refuse_the_third_request_and_a_bad_budget_leaves_its_ingress_served()
    {
        A.Handler = Answer70Tokens;
        Api.Apply(Service("llm", exposed: false));
        Api.Apply(EndpointSlice("llm-x1", "llm", PortOf(A.Url), endpoints: Kubernetes.Endpoint.ReadyPod));
        Api.Apply(IngressObjects.Ingress("chat", new() { ["mlgateway.io/token-limit"] = "100/h" }, paths: ("/ingress", "llm", 80)));
        Api.Apply(IngressObjects.Ingress("unlimited", new() { ["mlgateway.io/token-limit"] = "lots" }, paths: ("/unlimited", "llm", 80)));
        foreach (var item in YamlObjects.Load(
            OurGateway.Yaml + """

            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: chat
              annotations: { mlgateway.io/token-limit: 100/h }
            spec:
              parentRefs: [ { name: gw } ]
              rules: [ { matches: [ { path: { value: /route } } ], backendRefs: [ { name: llm, port: 80 } ] } ]
            """,
            Namespace))
        {
            Api.Apply(item);
        }

        await using var k8s = await KubernetesGateway.StartAsync(Api);
        await Eventually.TrueAsync(
            async () => (await k8s.ConfigAsync()).ToJsonString() is var config
                && config.Contains("\"tokenLimitPolicy\":\"ingress/default/chat/tokens\"", StringComparison.Ordinal)
                && config.Contains("\"tokenLimitPolicy\":\"httproute/default/chat/tokens\"", StringComparison.Ordinal)
                && config.Contains("ingress/default/unlimited/0/0", StringComparison.Ordinal),
            "the Ingresses' and the HTTPRoute's routes with their budgets");
        Assert.Contains(
            "Ingress 'default/unlimited', field 'metadata.annotations[mlgateway.io/token-limit]': 'lots' is not a token rate",
            await k8s.WarningsAsync(),
            StringComparison.Ordinal);

        foreach (var (path, policy) in new[] { ("/ingress", "ingress/default/chat/tokens"), ("/route", "httproute/default/chat/tokens") })
        {
            // 100 tokens: the first answer leaves 30, the second is admitted on them and leaves a debt of 40.
            using var first = await k8s.Gateway.Client.GetAsync(path);
            using var second = await k8s.Gateway.Client.GetAsync(path);
            using var third = await k8s.Gateway.Client.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.StartsWith($"\"{policy}\";r=30;", string.Join(", ", second.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(20), $"Retry-After {third.Headers.RetryAfter}");
        }

        // The Ingress with the bad value is served, without a budget.
        for (var i = 0; i < 3; i++)
        {
            using var unlimited = await k8s.Gateway.Client.GetAsync("/unlimited");
            Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
            Assert.False(unlimited.Headers.Contains("RateLimit"));
        }

        Assert.Equal(7, A.RequestCount);
    }
}
