using Gateway.Tls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Tls;

/// <summary>Certificates from files are read again on each check: a renewal is served, a broken rewrite is reported and the last good one stays.</summary>
public sealed class FileCertificateReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-tls-files-").FullName;
    private readonly CertificateStore _store = new();
    private readonly CertificateRegistry _registry;

    public FileCertificateReloadTests()
    {
        Write("a", TestPem.SelfSigned("a.example.com"));
        Write("default", TestPem.SelfSigned("default.test"));
        var options = new TlsOptions();
        options.DefaultCertificate = File("default");
        options.Certificates.Add(File("a", "a.example.com"));
        _registry = new CertificateRegistry(Options.Create(options), _store, new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<CertificateRegistry>.Instance);
    }

    [Fact]
    public void A_renewed_certificate_is_served_after_the_next_check_and_unchanged_files_change_nothing()
    {
        var before = _store.Current.Select("a.example.com", out _)!;
        _registry.RefreshFiles();
        Assert.Same(before, _store.Current.Select("a.example.com", out _));

        Write("a", TestPem.SelfSigned("a.example.com"));
        _registry.RefreshFiles();

        var after = _store.Current.Select("a.example.com", out _)!;
        Assert.NotEqual(before.Leaf.Thumbprint, after.Leaf.Thumbprint);
        Assert.Equal("default.test", _store.Current.Select("other.test", out _)!.Leaf.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.DnsName, false));
        Assert.Empty(_registry.Problems);
    }

    [Fact]
    public void A_broken_rewrite_keeps_the_last_good_certificate_is_reported_and_clears_when_mended()
    {
        var good = _store.Current.Select("a.example.com", out _)!;
        var (_, otherKey) = TestPem.SelfSigned("b.example.com");
        System.IO.File.WriteAllText(Path.Combine(_directory, "a.key"), otherKey);

        _registry.RefreshFiles();

        Assert.Same(good, _store.Current.Select("a.example.com", out _));
        var problem = Assert.Single(_registry.Problems);
        Assert.Equal("Gateway:Tls:Certificates:0", problem.Object);
        Assert.Contains("KeyFile", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith("the last good certificate keeps serving", problem.Message, StringComparison.Ordinal);

        System.IO.File.Delete(Path.Combine(_directory, "a.crt"));
        _registry.RefreshFiles();
        Assert.Contains("cannot read", Assert.Single(_registry.Problems).Message, StringComparison.Ordinal);
        Assert.Same(good, _store.Current.Select("a.example.com", out _));

        var renewed = TestPem.SelfSigned("a.example.com");
        Write("a", renewed);
        _registry.RefreshFiles();
        Assert.Empty(_registry.Problems);
        Assert.NotEqual(good.Leaf.Thumbprint, _store.Current.Select("a.example.com", out _)!.Leaf.Thumbprint);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Write(string name, (string Certificate, string Key) pem)
    {
        System.IO.File.WriteAllText(Path.Combine(_directory, name + ".crt"), pem.Certificate);
        System.IO.File.WriteAllText(Path.Combine(_directory, name + ".key"), pem.Key);
    }

    private TlsCertificateFile File(string name, params string[] hosts) => new()
    {
        Hosts = hosts,
        CertificateFile = Path.Combine(_directory, name + ".crt"),
        KeyFile = Path.Combine(_directory, name + ".key"),
    };
}
