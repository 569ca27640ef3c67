using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;

namespace Gateway.Tests.Tls;

/// <summary>Certificates made in-process for the TLS unit tests: self-signed, or issued by a throw-away CA.</summary>
internal static class TestPem
{
    public static (string Certificate, string Key) SelfSigned(string host, bool ecdsa = false, DateTimeOffset? notAfter = null)
    {
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = ecdsa
            ? new CertificateRequest($"CN={host}", (ECDsa)key, HashAlgorithmName.SHA256)
            : new CertificateRequest($"CN={host}", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A kubernetes.io/tls Secret in namespace <c>models</c> holding these PEM texts.</summary>
    public static V1Secret Secret(string name, string certificate, string key, string version = "1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "models", ResourceVersion = version },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.UTF8.GetBytes(certificate), ["tls.key"] = Encoding.UTF8.GetBytes(key) },
    };

    /// <summary>A leaf for <paramref name="host"/> issued by an intermediate of a fresh root CA: the PEM chain is leaf then intermediate.</summary>
    public static (string Chain, string Key, X509Certificate2 Intermediate) Issued(string host)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = Authority("CN=Test Root", rootKey, issuer: null);
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediate = Authority("CN=Test Intermediate", intermediateKey, root);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        using var leaf = request.Create(intermediate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        return (leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), intermediate);
    }

    private static X509Certificate2 Authority(string subject, ECDsa key, X509Certificate2? issuer)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var notBefore = DateTimeOffset.UtcNow.AddDays(-2);
        // An issued authority must expire before its issuer; reading the clock twice could otherwise cross a second.
        var notAfter = issuer is null ? DateTimeOffset.UtcNow.AddDays(60) : issuer.NotAfter.AddDays(-1);
        return issuer is null
            ? request.CreateSelfSigned(notBefore, notAfter)
            : request.Create(issuer, notBefore, notAfter, [5, 6, 7, 8]).CopyWithPrivateKey(key);
    }
}
