using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tls;

/// <summary>
/// A certificate with its private key and chain, ready to serve: the TLS context (chain included) is built once when the
/// certificate is loaded, never per handshake.
/// </summary>
/// <param name="Name">Where it came from, e.g. <c>secret models/a-tls</c> or a file path; used in logs, metrics and /config.</param>
internal sealed record ServerCertificate(string Name, X509Certificate2 Leaf, SslStreamCertificateContext Context)
{
    public DateTimeOffset NotAfter { get; } = new(Leaf.NotAfter.ToUniversalTime());

    /// <summary>The DNS names the certificate covers (subject alternative names), for /config.</summary>
    public ImmutableArray<string> DnsNames { get; } = ReadDnsNames(Leaf);

    private static ImmutableArray<string> ReadDnsNames(X509Certificate2 leaf)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var extension in leaf.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
            }
        }

        return names.ToImmutable();
    }
}
