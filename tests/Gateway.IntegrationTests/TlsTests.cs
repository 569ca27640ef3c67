using System.Net;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>
/// The HTTPS listener with certificates from files (<c>Gateway:Tls</c>): real handshakes from an HttpClient that
/// validates against an in-process test CA, so a wrong certificate for a host fails the request as it would for a user.
/// </summary>
public sealed class TlsTests : TwoBackendTest
{
    private readonly TestCertificateAuthority _ca = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-tls-").FullName;

    [Fact]
    public async Task Sni_serves_each_host_its_file_certificate_over_http2_and_the_default_to_other_names()
    {
        var a = _ca.Issue(["a.example.com"]);
        var wildcard = _ca.Issue(["*.models.test"], ecdsa: true);
        var fallback = _ca.Issue(["default.test"]);
        await using var gateway = await TestGateway.StartAsync(new
        {
            Tls = new
            {
                DefaultCertificate = File(fallback, "default"),
                Certificates = new[] { File(a, "a", "a.example.com"), File(wildcard, "wildcard", "*.models.test") },
            },
            Routes = new[] { new { Name = "all", Backends = new[] { "a" } } },
            Backends,
        });
        using var client = new TlsClient(gateway.HttpsPort, _ca.Root);

        using var response = await client.GetAsync("a.example.com", "/v1/predict");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        var echo = await BackendEcho.ReadAsync(response);
        Assert.Equal(("a", "/v1/predict", "https"), (echo.Backend, echo.Path, echo.Headers["x-forwarded-proto"]));
        Assert.Equal(a.Thumbprint, Assert.Single(client.Seen));

        Assert.Equal(a.Thumbprint, await client.CertificateForAsync("A.Example.COM"));
        Assert.Equal(wildcard.Thumbprint, await client.CertificateForAsync("gpu.models.test"));
        Assert.Equal(fallback.Thumbprint, await client.CertificateForAsync("x.gpu.models.test"));
        Assert.Equal(fallback.Thumbprint, await client.CertificateForAsync("unknown.test"));
        using var plain = await gateway.Client.GetAsync("/v1/predict");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    [Fact]
    public async Task Without_a_certificate_or_kubernetes_the_https_listener_is_not_bound()
    {
        await using var gateway = await TestGateway.StartAsync(new { Routes = new[] { new { Name = "all", Backends = new[] { "a" } } }, Backends });

        Assert.Equal(-1, gateway.HttpsPort);
    }

    [Fact]
    public async Task A_key_that_does_not_match_its_certificate_stops_start_up_naming_the_field()
    {
        var a = _ca.Issue(["a.example.com"]);
        var b = _ca.Issue(["b.example.com"]);
        var (certificate, _) = a.WriteFiles(_directory, "a");
        var (_, otherKey) = b.WriteFiles(_directory, "b");

        var ex = await Assert.ThrowsAsync<Gateway.Hosting.StartupException>(() => TestGateway.StartAsync(new
        {
            Tls = new { Certificates = new[] { new { Hosts = new[] { "a.example.com" }, CertificateFile = certificate, KeyFile = otherKey } } },
        }));

        Assert.Contains(ex.Errors, e => e.StartsWith($"Gateway:Tls:Certificates:0:KeyFile '{otherKey}' does not match the certificate", StringComparison.Ordinal));
    }

    public override async Task DisposeAsync()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
        await base.DisposeAsync();
    }

    private object File(TestCertificate certificate, string name, params string[] hosts)
    {
        var (certificateFile, keyFile) = certificate.WriteFiles(_directory, name);
        return new { Hosts = hosts, CertificateFile = certificateFile, KeyFile = keyFile };
    }
}
