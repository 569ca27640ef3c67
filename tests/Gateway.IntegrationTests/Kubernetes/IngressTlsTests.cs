using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Kubernetes.IngressObjects;
using static Gateway.IntegrationTests.Kubernetes.KubeObjects;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// An Ingress's <c>spec.tls</c> end to end: the Secret it names is served by SNI on the HTTPS listener, and plain HTTP
/// to its host is redirected to https as ingress-nginx's default <c>ssl-redirect</c> does.
/// </summary>
public sealed class IngressTlsTests : KubernetesTest
{
    private readonly TestCertificateAuthority _ca = new();

    [Fact]
    public async Task The_secret_of_an_ingress_tls_section_is_served_for_its_host_and_http_is_redirected()
    {
        var certificate = _ca.Issue(["models.example.com"]);
        Api.Apply(certificate.Secret(Namespace, "models-tls"));
        Api.Apply(Service("web", exposed: false));
        Api.Apply(EndpointSlice("web-x1", "web", PortOf(A.Url), endpoints: Endpoint.ReadyPod));
        var ingress = Ingress("secure", host: "models.example.com", paths: ("/predict", "web", 80));
        ingress["spec"]!["tls"] = new JsonArray(new JsonObject { ["hosts"] = new JsonArray("models.example.com"), ["secretName"] = "models-tls" });
        Api.Apply(ingress);
        await using var k8s = await KubernetesGateway.StartAsync(Api);
        using var client = new TlsClient(k8s.Gateway.HttpsPort, _ca.Root);

        await Eventually.EqualAsync(certificate.Thumbprint, () => client.CertificateForAsync("models.example.com"), "the certificate served for models.example.com");
        using (var response = await client.GetAsync("models.example.com", "/predict?x=1"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("a", (await BackendEcho.ReadAsync(response)).Backend);
        }

        using var plain = new HttpRequestMessage(HttpMethod.Get, "/predict?x=1") { Headers = { Host = "models.example.com" } };
        using var redirected = await k8s.Gateway.Client.SendAsync(plain);
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal("https://models.example.com/predict?x=1", redirected.Headers.Location?.ToString());
    }

    public override async Task DisposeAsync()
    {
        _ca.Dispose();
        await base.DisposeAsync();
    }
}
