using System.Net;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Inference;

/// <summary>Services that serve a model by name (<c>mlgateway.io/model</c>), one of them by weighted variants, on one path.</summary>
public sealed class ModelServiceAnnotationTests : KubernetesTest
{
    private async Task<KubernetesGateway> StartAsync(string llamaVariants)
    {
        A.Handler = BodyEcho.Handler("a");
        B.Handler = BodyEcho.Handler("b");
        Api.Apply(Service("llama", new()
        {
            ["mlgateway.io/path-prefix"] = "/v1",
            ["mlgateway.io/strip-prefix"] = "false",
            ["mlgateway.io/model"] = "llama-3",
            ["mlgateway.io/model-variants"] = llamaVariants,
        }));
        Api.Apply(EndpointSlice("llama-x1", "llama", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        Api.Apply(Service("mistral", new()
        {
            ["mlgateway.io/path-prefix"] = "/v1",
            ["mlgateway.io/strip-prefix"] = "false",
            ["mlgateway.io/model"] = "mistral-7b",
        }));
        Api.Apply(EndpointSlice("mistral-x1", "mistral", PortOf(B.Url), endpoints: Endpoint.ReadyPod));
        return await KubernetesGateway.StartAsync(Api);
    }

    private static async Task<(HttpStatusCode Status, string Body)> ChatAsync(KubernetesGateway k8s, string model)
    {
        using var request = BodyEcho.Post("/v1/chat/completions", $$"""{"model":"{{model}}","messages":[]}""");
        using var response = await k8s.Gateway.Client.SendAsync(request);
        return (response.StatusCode, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Each_service_takes_its_model_and_the_variants_rewrite_the_body()
    {
        await using var k8s = await StartAsync("llama-3.1-8b=100,llama-3.2-8b=0");

        var llama = await ChatAsync(k8s, "llama-3");
        var mistral = await ChatAsync(k8s, "mistral-7b");
        var other = await ChatAsync(k8s, "gpt-4o");

        Assert.Equal((HttpStatusCode.OK, """{"model":"llama-3.1-8b","messages":[]}"""), llama);
        Assert.Equal((HttpStatusCode.OK, """{"model":"mistral-7b","messages":[]}"""), mistral);
        Assert.Equal(HttpStatusCode.NotFound, other.Status);
        Assert.Equal(1, A.RequestCount);
        Assert.Equal(1, B.RequestCount);
    }

    [Fact]
    public async Task Bad_variants_exclude_the_service_naming_the_annotation()
    {
        await using var k8s = await StartAsync("llama-3.1-8b=-5");

        await Eventually.TrueAsync(
            async () => (await k8s.ConfigAsync()).ToJsonString().Contains("metadata.annotations[mlgateway.io/model-variants]", StringComparison.Ordinal),
            "the problem to be reported");
        Assert.Equal(HttpStatusCode.NotFound, (await ChatAsync(k8s, "llama-3")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(k8s, "mistral-7b")).Status);
    }
}
