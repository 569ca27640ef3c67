using System.Net;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Inference;

/// <summary>HTTPRoute header matches on the model from the body, with routes read from the Kubernetes API.</summary>
public sealed class ModelRoutingKubernetesTests(ModelRoutingFixture fixture) : IClassFixture<ModelRoutingFixture>
{
    private async Task<BackendEcho> ChatAsync(string body, string? forgedModel = null)
    {
        using var request = BodyEcho.Post("/v1/chat/completions", body);
        request.Headers.Host = "models.test";
        if (forgedModel is not null)
        {
            request.Headers.Add(BodyEcho.ModelHeader, forgedModel);
        }

        using var response = await fixture.Gateway.Gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BackendEcho.ReadAsync(response);
    }

    [Fact]
    public async Task The_body_model_selects_the_httproute_rule()
    {
        var llama = await ChatAsync("""{"messages":[],"model":"llama-3"}""");
        var mistral = await ChatAsync("""{"model":"mistral-7b","messages":[]}""");
        var other = await ChatAsync("""{"model":"unknown"}""");

        Assert.Equal(("v1", "llama-3"), (llama.Backend, llama.Headers["x-gateway-model-name"]));
        Assert.Equal(("v2", "mistral-7b"), (mistral.Backend, mistral.Headers["x-gateway-model-name"]));
        Assert.Equal("v3", other.Backend);
    }

    [Fact]
    public async Task A_client_header_does_not_select_a_rule()
    {
        var forged = await ChatAsync("""{"model":"unknown"}""", forgedModel: "llama-3");

        Assert.Equal(("v3", "unknown"), (forged.Backend, forged.Headers["x-gateway-model-name"]));
    }
}
