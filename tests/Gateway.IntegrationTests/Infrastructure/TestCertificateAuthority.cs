using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A throw-away CA made in-process; it issues server certificates that <see cref="TlsClient"/> trusts.</summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private int _serial;

    public TestCertificateAuthority()
    {
        var request = new CertificateRequest("CN=Gateway Test CA", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        Root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddYears(1));
    }

    public X509Certificate2 Root { get; }

    /// <summary>A certificate for <paramref name="hosts"/> (subject alternative names), RSA unless <paramref name="ecdsa"/>.</summary>
    public TestCertificate Issue(string[] hosts, bool ecdsa = false, DateTimeOffset? notAfter = null)
    {
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var subject = $"CN={hosts[0]}";
        var request = key is ECDsa ec
            ? new CertificateRequest(subject, ec, HashAlgorithmName.SHA256)
            : new CertificateRequest(subject, (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            san.AddDnsName(host);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial) + 1000);
        using var certificate = request.Create(Root.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30), serial);
        return new TestCertificate(certificate.ExportCertificatePem() + "\n" + Root.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), certificate.Thumbprint);
    }

    public void Dispose()
    {
        Root.Dispose();
        _key.Dispose();
    }
}
