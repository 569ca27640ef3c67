using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tls;

/// <summary>
/// Reads a PEM certificate chain (leaf first, then intermediates) and its PEM private key (RSA or ECDSA, PKCS#1, SEC1
/// or PKCS#8), as a kubernetes.io/tls Secret or cert-manager writes them.
/// </summary>
internal static class PemCertificateReader
{
    /// <summary>The certificate, or null with <paramref name="error"/> saying what is wrong and with which part ("tls.crt"/"tls.key" wording is the caller's).</summary>
    public static ServerCertificate? TryRead(string name, ReadOnlySpan<char> certificatePem, ReadOnlySpan<char> keyPem, out CertificateError? error)
    {
        X509Certificate2Collection chain;
        try
        {
            chain = [];
            chain.ImportFromPem(certificatePem);
        }
        catch (CryptographicException ex)
        {
            error = new CertificateError(CertificatePart.Certificate, $"is not a PEM certificate chain: {ex.Message}");
            return null;
        }

        if (chain.Count == 0)
        {
            error = new CertificateError(CertificatePart.Certificate, "holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
            return null;
        }

        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(PemBlock(certificatePem), keyPem);
        }
        catch (ArgumentException ex)
        {
            error = new CertificateError(CertificatePart.Key, $"is not a PEM private key: {ex.Message}");
            return null;
        }
        catch (CryptographicException ex)
        {
            error = new CertificateError(CertificatePart.Key, $"does not match the certificate or is not an RSA or ECDSA key: {ex.Message}");
            return null;
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        // offline: the chain is sent as given; fetching missing intermediates would put network I/O in the handshake path.
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        error = null;
        return new ServerCertificate(name, leaf, context);
    }

    /// <summary>The first PEM block: CreateFromPem reads the first certificate only, but is strict about stray text around it.</summary>
    private static ReadOnlySpan<char> PemBlock(ReadOnlySpan<char> pem) =>
        PemEncoding.TryFind(pem, out var fields) ? pem[fields.Location] : pem;
}
