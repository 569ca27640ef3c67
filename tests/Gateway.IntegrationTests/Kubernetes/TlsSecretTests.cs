using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>
/// kubernetes.io/tls Secrets from the fake API server served by SNI on the real HTTPS listener, checked with real
/// handshakes validating against an in-process CA: the client sees each host's certificate, a changed Secret is served
/// without a restart, a broken one is reported while the last good certificate keeps serving.
/// </summary>
public sealed class TlsSecretTests : KubernetesTest
{
    private const string Ns = "models";

    private readonly TestCertificateAuthority _ca = new();

    [Fact]
    public async Task Two_hosts_get_their_own_secret_certificate_by_sni_in_a_real_handshake()
    {
        var a = _ca.Issue(["a.example.com"]);
        var b = _ca.Issue(["b.example.com"], ecdsa: true);
        Api.Apply(a.Secret(Ns, "a-tls"));
        Api.Apply(b.Secret(Ns, "b-tls"));
        Api.Apply(TestCertificate.SecretJson(Ns, "opaque", "x", "y", type: "Opaque"));
        await using var k8s = await KubernetesGateway.StartAsync(Api, Section(Binding("a-tls", "a.example.com"), Binding("b-tls", "b.example.com")));
        using var client = new TlsClient(k8s.Gateway.HttpsPort, _ca.Root);

        using (var response = await client.GetAsync("a.example.com", "/predict"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("a", (await BackendEcho.ReadAsync(response)).Backend);
        }

        Assert.Equal(a.Thumbprint, Assert.Single(client.Seen));
        client.Seen.Clear();
        using (var response = await client.GetAsync("b.example.com", "/predict"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(b.Thumbprint, Assert.Single(client.Seen));

        // No certificate for the name and no default: the handshake fails cleanly, and the listener keeps serving.
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("c.example.com"));
        Assert.Null(await client.CertificateForAsync("c.example.com"));
        Assert.Equal(a.Thumbprint, await client.CertificateForAsync("a.example.com"));
        // Secrets are only ever asked for by selector: TLS ones by type, API-key ones by label.
        Assert.DoesNotContain(Api.Requests, r => r.Contains("/secrets", StringComparison.Ordinal)
            && !r.Contains("fieldSelector=type%3Dkubernetes.io%2Ftls", StringComparison.Ordinal)
            && !r.Contains("labelSelector=mlgateway.io%2Fapi-key%3Dtrue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_secret_is_served_without_a_restart()
    {
        var first = _ca.Issue(["a.example.com"]);
        var renewed = _ca.Issue(["a.example.com"]);
        Api.Apply(first.Secret(Ns, "a-tls"));
        await using var k8s = await KubernetesGateway.StartAsync(Api, Section(Binding("a-tls", "a.example.com")));
        using var client = new TlsClient(k8s.Gateway.HttpsPort, _ca.Root);
        Assert.Equal(first.Thumbprint, await client.CertificateForAsync("a.example.com"));

        Api.Apply(renewed.Secret(Ns, "a-tls"));

        await Eventually.EqualAsync(renewed.Thumbprint, () => client.CertificateForAsync("a.example.com"), "the certificate served for a.example.com");
    }

    [Fact]
    public async Task A_broken_secret_is_reported_with_its_field_and_the_last_good_certificate_keeps_serving()
    {
        var good = _ca.Issue(["a.example.com"]);
        var other = _ca.Issue(["b.example.com"]);
        var renewed = _ca.Issue(["a.example.com"]);
        Api.Apply(good.Secret(Ns, "a-tls"));
        await using var k8s = await KubernetesGateway.StartAsync(Api, Section(Binding("a-tls", "a.example.com")));
        using var client = new TlsClient(k8s.Gateway.HttpsPort, _ca.Root);
        Assert.Equal(good.Thumbprint, await client.CertificateForAsync("a.example.com"));

        Api.Apply(TestCertificate.SecretJson(Ns, "a-tls", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----", good.KeyPem));
        await Eventually.TrueAsync(async () => (await TlsProblemsAsync(k8s)).Contains("Secret 'models/a-tls', field 'data[tls.crt]'", StringComparison.Ordinal), "the broken tls.crt in /config");
        Assert.Contains("the last good certificate keeps serving", await TlsProblemsAsync(k8s), StringComparison.Ordinal);
        Assert.Equal(good.Thumbprint, await client.CertificateForAsync("a.example.com"));
        await Eventually.TrueAsync(() => Task.FromResult(Api.Created("events").Any(e => e.ToJsonString().Contains("a-tls", StringComparison.Ordinal))), "an Event about the Secret");

        Api.Apply(TestCertificate.SecretJson(Ns, "a-tls", good.ChainPem, other.KeyPem));
        await Eventually.TrueAsync(async () => (await TlsProblemsAsync(k8s)).Contains("Secret 'models/a-tls', field 'data[tls.key]': does not match the certificate", StringComparison.Ordinal), "the mismatched tls.key in /config");
        Assert.Equal(good.Thumbprint, await client.CertificateForAsync("a.example.com"));

        Api.Apply(renewed.Secret(Ns, "a-tls"));
        await Eventually.EqualAsync(renewed.Thumbprint, () => client.CertificateForAsync("a.example.com"), "the certificate served for a.example.com");
        await Eventually.EqualAsync("", () => TlsProblemsAsync(k8s), "the TLS problems");
    }

    [Fact]
    public async Task A_secret_bound_without_hosts_is_the_default_certificate_for_unknown_names()
    {
        var a = _ca.Issue(["a.example.com"]);
        var fallback = _ca.Issue(["fallback.example.com"]);
        Api.Apply(a.Secret(Ns, "a-tls"));
        Api.Apply(fallback.Secret(Ns, "fallback-tls"));
        await using var k8s = await KubernetesGateway.StartAsync(Api, Section(Binding("a-tls", "a.example.com"), Binding("fallback-tls")));
        using var client = new TlsClient(k8s.Gateway.HttpsPort, _ca.Root);

        Assert.Equal(a.Thumbprint, await client.CertificateForAsync("a.example.com"));
        Assert.Equal(fallback.Thumbprint, await client.CertificateForAsync("unknown.test"));
        using var response = await client.GetAsync("fallback.example.com", "/x");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public override async Task DisposeAsync()
    {
        _ca.Dispose();
        await base.DisposeAsync();
    }

    private static object Binding(string secret, params string[] hosts) => new { Hosts = hosts, Secret = $"{Ns}/{secret}" };

    private object Section(params object[] bindings) => new
    {
        TlsSecrets = bindings,
        Routes = new[] { new { Name = "all", Backends = new[] { "a" } } },
        Backends,
    };

    private static async Task<string> TlsProblemsAsync(KubernetesGateway k8s)
    {
        var config = await k8s.ConfigAsync();
        return string.Join("\n", config["tls"]!["problems"]!.AsArray().Select(p => p!.GetValue<string>()));
    }
}
