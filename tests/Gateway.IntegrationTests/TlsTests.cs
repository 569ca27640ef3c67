using System.Net;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Kubernetes;

namespace Gateway.IntegrationTests;

/// <summary>
/// The HTTPS listener with certificates from files (<c>Gateway:Tls</c>): real handshakes from an HttpClient that
/// validates against an in-process test CA, so a wrong certificate for a host fails the request as it would for a user.
/// Serial: it counts handshakes on /metrics, which gateways of other classes in this process would add to.
/// </summary>
[Collection(SerialCollection.Name)]
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

        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Matches("gateway_tls_handshakes_total\\{[^}]*outcome=\"exact\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("gateway_tls_handshakes_total\\{[^}]*outcome=\"wildcard\"[^}]*\\} 1", metrics);
        Assert.Matches("gateway_tls_handshakes_total\\{[^}]*outcome=\"default\"[^}]*\\} 2", metrics);
        // Gateways of other test classes run in this process, and their meters can show here too: pick this test's file.
        var expiry = Assert.Single(metrics.Split('\n'), l => l.StartsWith("gateway_tls_certificate_expiry_seconds{", StringComparison.Ordinal)
            && l.Contains("host=\"a.example.com\"", StringComparison.Ordinal) && l.Contains(Path.Combine(_directory, "a.crt"), StringComparison.Ordinal));
        var seconds = double.Parse(expiry[(expiry.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, TimeSpan.FromDays(29).TotalSeconds, TimeSpan.FromDays(30).TotalSeconds);
    }

    [Fact]
    public async Task A_renewed_certificate_file_is_served_without_a_restart()
    {
        var first = _ca.Issue(["a.example.com"]);
        await using var gateway = await TestGateway.StartAsync(new
        {
            Tls = new { Certificates = new[] { File(first, "a", "a.example.com") }, FileCheckInterval = "00:00:00.200" },
            Routes = new[] { new { Name = "all", Backends = new[] { "a" } } },
            Backends,
        });
        using var client = new TlsClient(gateway.HttpsPort, _ca.Root);
        Assert.Equal(first.Thumbprint, await client.CertificateForAsync("a.example.com"));

        var renewed = _ca.Issue(["a.example.com"]);
        File(renewed, "a", "a.example.com");

        await Eventually.EqualAsync(renewed.Thumbprint, () => client.CertificateForAsync("a.example.com"), "the certificate served for a.example.com");
        using var response = await client.GetAsync("a.example.com", "/v1/predict");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
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

        var ex = await Assert.ThrowsAsync<Gateway.Primitives.StartupException>(() => TestGateway.StartAsync(new
        {
            Tls = new { Certificates = new[] { new { Hosts = new[] { "a.example.com" }, CertificateFile = certificate, KeyFile = otherKey } } },
        }));

        Assert.Contains(ex.Errors, e => e.StartsWith($"Gateway:Tls:Certificates:0:KeyFile '{otherKey}' does not match the certificate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_route_requiring_https_answers_plain_http_with_308_to_the_same_url_and_serves_https()
    {
        var a = _ca.Issue(["a.example.com"]);
        await using var gateway = await TestGateway.StartAsync(RedirectSection(a, new { }));
        using var client = new TlsClient(gateway.HttpsPort, _ca.Root);

        using (var response = await PlainAsync(gateway, HttpMethod.Post, "a.example.com", "/v1/predict?x=1&y=a%20b"))
        {
            Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
            Assert.Equal("https://a.example.com/v1/predict?x=1&y=a%20b", response.Headers.Location!.OriginalString);
        }

        // Only a trusted proxy's X-Forwarded-Proto counts; none is configured here.
        using (var spoofed = await PlainAsync(gateway, HttpMethod.Get, "a.example.com", "/v1/predict", forwardedProto: "https"))
        {
            Assert.Equal(HttpStatusCode.PermanentRedirect, spoofed.StatusCode);
        }

        using (var other = await PlainAsync(gateway, HttpMethod.Get, "other.example.com", "/v1/predict"))
        {
            Assert.Equal("b", (await BackendEcho.ReadAsync(other)).Backend);
        }

        using var secure = await client.GetAsync("a.example.com", "/v1/predict?x=1");
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        var echo = await BackendEcho.ReadAsync(secure);
        Assert.Equal(("a", "?x=1"), (echo.Backend, echo.Query));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_its_forwarded_https_passes_and_redirects_name_the_configured_port()
    {
        var a = _ca.Issue(["a.example.com"]);
        await using var gateway = await TestGateway.StartAsync(RedirectSection(a, new { TrustedProxies = new[] { "127.0.0.1", "::1" } }, redirectPort: 8443));

        using (var forwarded = await PlainAsync(gateway, HttpMethod.Get, "a.example.com", "/v1/predict", forwardedProto: "https"))
        {
            Assert.Equal("a", (await BackendEcho.ReadAsync(forwarded)).Backend);
        }

        using var plain = await PlainAsync(gateway, HttpMethod.Get, "a.example.com", "/v1/predict", forwardedProto: "http");
        Assert.Equal(HttpStatusCode.PermanentRedirect, plain.StatusCode);
        Assert.Equal("https://a.example.com:8443/v1/predict", plain.Headers.Location!.OriginalString);
    }

    public override async Task DisposeAsync()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
        await base.DisposeAsync();
    }

    private object RedirectSection(TestCertificate certificate, object rateLimiting, int redirectPort = 443) => new
    {
        Tls = new { Certificates = new[] { File(certificate, "a", "a.example.com") }, RedirectPort = redirectPort },
        RateLimiting = rateLimiting,
        Routes = new object[]
        {
            new { Name = "secure", Hostnames = new[] { "a.example.com" }, RedirectToHttps = true, Backends = new[] { "a" } },
            new { Name = "open", Hostnames = new[] { "other.example.com" }, Backends = new[] { "b" } },
        },
        Backends,
    };

    private static async Task<HttpResponseMessage> PlainAsync(TestGateway gateway, HttpMethod method, string host, string path, string? forwardedProto = null)
    {
        using var request = new HttpRequestMessage(method, path) { Headers = { Host = host } };
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return await gateway.Client.SendAsync(request);
    }

    private object File(TestCertificate certificate, string name, params string[] hosts)
    {
        var (certificateFile, keyFile) = certificate.WriteFiles(_directory, name);
        return new { Hosts = hosts, CertificateFile = certificateFile, KeyFile = keyFile };
    }
}
