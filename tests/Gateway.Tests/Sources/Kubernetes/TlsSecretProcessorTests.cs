using System.Text;
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
        Assert.NotSame(first.Model.TlsCertificates[1], changed.Model.TlsCertificates[1]);
        Assert.Equal(renewed, Encoding.UTF8.GetString(changed.Model.TlsCertificates[1].CertificatePem.Span));
        Assert.True(changed.Model.TlsSecretsListed);
        Assert.Empty(changed.Warnings);
    }

    [Fact]
    public void A_new_version_that_only_changes_metadata_keeps_the_snapshot()
    {
        var (a, aKey) = TestPem.SelfSigned("a.example.com");
        var first = _processor.Build([TestPem.Secret("a-tls", a, aKey)]);
        var annotated = TestPem.Secret("a-tls", a, aKey, version: "2");
        annotated.Metadata.Annotations = new Dictionary<string, string> { ["cert-manager.io/certificate-name"] = "a" };

        Assert.Same(first, _processor.Build([annotated]));

        var (b, bKey) = TestPem.SelfSigned("a.example.com");
        Assert.NotSame(first, _processor.Build([TestPem.Secret("a-tls", b, bKey, version: "3")]));
    }

    [Fact]
    public void A_secret_of_another_type_is_read_as_broken_in_its_type_field()
    {
        var (a, aKey) = TestPem.SelfSigned("a.example.com");
        var secret = TestPem.Secret("a-tls", a, aKey);
        secret.Type = "Opaque";

        var certificate = Assert.Single(_processor.Build([secret]).Model.TlsCertificates);

        Assert.Equal(("models", "a-tls", "type"), (certificate.SecretNamespace, certificate.SecretName, certificate.ErrorField));
        Assert.True(certificate.CertificatePem.IsEmpty);
    }

    [Fact]
    public void A_secret_without_a_key_is_read_as_broken_in_its_key_field()
    {
        var (a, _) = TestPem.SelfSigned("a.example.com");

        var certificate = Assert.Single(_processor.Build([TestPem.Secret("a-tls", a, "")]).Model.TlsCertificates);

        Assert.Equal(("data[tls.key]", "is missing or empty"), (certificate.ErrorField, certificate.Error));
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
