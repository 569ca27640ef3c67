using Gateway.Sources.Kubernetes;
using Gateway.Tests.Tls;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class TlsSecretProcessorTests
{
    private readonly TlsSecretProcessor _processor = new(events: null);

    [Fact]
    public void Unchanged_secrets_keep_their_snapshot_and_records_even_across_a_relist()
    {
        var (a, aKey) = TestPem.SelfSigned("a.example.com");
        var (b, bKey) = TestPem.SelfSigned("b.example.com");
        var first = _processor.Build([TestPem.Secret("a-tls", a, aKey), TestPem.Secret("b-tls", b, bKey)]);

        // A re-list hands new instances of the same versions.
        var relisted = _processor.Build([TestPem.Secret("b-tls", b, bKey), TestPem.Secret("a-tls", a, aKey)]);
        Assert.Same(first, relisted);

        var (renewed, renewedKey) = TestPem.SelfSigned("b.example.com");
        var changed = _processor.Build([TestPem.Secret("a-tls", a, aKey), TestPem.Secret("b-tls", renewed, renewedKey, version: "2")]);

        Assert.NotSame(first, changed);
        Assert.Same(first.Model.TlsCertificates[0], changed.Model.TlsCertificates[0]);
        Assert.NotSame(first.Model.TlsCertificates[1].Certificate, changed.Model.TlsCertificates[1].Certificate);
        Assert.True(changed.Model.TlsSecretsListed);
        Assert.Empty(changed.Warnings);
    }

    [Fact]
    public void A_secret_of_another_type_is_read_as_broken_in_its_type_field()
    {
        var (a, aKey) = TestPem.SelfSigned("a.example.com");
        var secret = TestPem.Secret("a-tls", a, aKey);
        secret.Type = "Opaque";

        var certificate = Assert.Single(_processor.Build([secret]).Model.TlsCertificates);

        Assert.Equal(("models", "a-tls", "type"), (certificate.SecretNamespace, certificate.SecretName, certificate.ErrorField));
        Assert.Null(certificate.Certificate);
    }

    [Fact]
    public void A_deleted_secret_leaves_the_snapshot()
    {
        var (a, aKey) = TestPem.SelfSigned("a.example.com");
        _processor.Build([TestPem.Secret("a-tls", a, aKey)]);

        var empty = _processor.Build([]);

        Assert.Empty(empty.Model.TlsCertificates);
        Assert.True(empty.Model.TlsSecretsListed);
    }
}
