using Gateway.Tls;

namespace Gateway.Tests.Tls;

public sealed class PemCertificateReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_an_rsa_or_ecdsa_certificate_with_its_key(bool ecdsa)
    {
        var (certificate, key) = TestPem.SelfSigned("a.example.com", ecdsa);

        var read = PemCertificateReader.TryRead("test", certificate, key, out var error);

        Assert.Null(error);
        Assert.NotNull(read);
        Assert.True(read.Leaf.HasPrivateKey);
        Assert.Equal(["a.example.com"], read.DnsNames.ToArray());
    }

    [Fact]
    public void Keeps_the_intermediates_of_a_chain_for_the_handshake()
    {
        var (chain, key, intermediate) = TestPem.Issued("a.example.com");

        var read = PemCertificateReader.TryRead("test", chain, key, out _);

        Assert.NotNull(read);
        Assert.Equal("CN=a.example.com", read.Leaf.Subject);
        Assert.Contains(read.Context.IntermediateCertificates, c => c.Thumbprint == intermediate.Thumbprint);
    }

    [Fact]
    public void A_key_of_another_certificate_is_refused_as_the_key()
    {
        var (certificate, _) = TestPem.SelfSigned("a.example.com");
        var (_, otherKey) = TestPem.SelfSigned("b.example.com");

        var read = PemCertificateReader.TryRead("test", certificate, otherKey, out var error);

        Assert.Null(read);
        Assert.Equal(CertificatePart.Key, error!.Part);
    }

    [Fact]
    public void Text_that_is_no_certificate_is_refused_as_the_certificate()
    {
        var (_, key) = TestPem.SelfSigned("a.example.com");

        var read = PemCertificateReader.TryRead("test", "not a certificate", key, out var error);

        Assert.Null(read);
        Assert.Equal(CertificatePart.Certificate, error!.Part);
        Assert.Contains("no PEM certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_is_refused_as_the_key()
    {
        var (certificate, _) = TestPem.SelfSigned("a.example.com");

        var read = PemCertificateReader.TryRead("test", certificate, "", out var error);

        Assert.Null(read);
        Assert.Equal(CertificatePart.Key, error!.Part);
    }
}
