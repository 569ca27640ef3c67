using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Turns the watched kubernetes.io/tls Secrets into <see cref="TlsCertificate"/> records holding their PEM texts: an
/// unchanged Secret keeps its record, even across a re-list or an edit of its metadata alone, so the certificate registry
/// parses each certificate it serves once. Whether a Secret that cannot be served is a problem depends on whether a binding names it, which the
/// registry decides; so this source reports nothing itself.
/// </summary>
internal sealed class TlsSecretProcessor(KubernetesEventRecorder? events)
{
    public const string Source = "kubernetes tls secrets";

    private const string InvalidCertificate = "InvalidCertificate";

    private Dictionary<string, (V1Secret Secret, TlsCertificate Certificate)> _read = new(StringComparer.Ordinal);
    private SourceSnapshot? _last;

    /// <summary>The snapshot of <paramref name="secrets"/>; the previous one itself when no Secret changed.</summary>
    public SourceSnapshot Build(IEnumerable<V1Secret> secrets)
    {
        var read = new Dictionary<string, (V1Secret Secret, TlsCertificate Certificate)>(StringComparer.Ordinal);
        var changed = false;
        foreach (var secret in secrets)
        {
            var key = $"{secret.Metadata.NamespaceProperty}/{secret.Metadata.Name}";
            if (_read.TryGetValue(key, out var known) && IsSameVersion(known.Secret, secret))
            {
                read[key] = known;
                continue;
            }

            // A new version with the same type and PEM texts (labels or annotations edited, as cert-manager does) keeps
            // its record, so it does not re-apply the whole model.
            if (known.Certificate is not null && HasSameContent(known.Secret, secret))
            {
                read[key] = (secret, known.Certificate);
                continue;
            }

            changed = true;
            read[key] = (secret, Read(secret));
        }

        var unchanged = _last is not null && !changed && read.Count == _read.Count;
        _read = read;
        if (unchanged)
        {
            return _last!;
        }

        var model = new GatewayModel
        {
            TlsCertificates = [.. read.Values.Select(r => r.Certificate).OrderBy(c => c.Key, StringComparer.Ordinal)],
            TlsSecretsListed = true,
        };
        return _last = new SourceSnapshot(Source, model, []);
    }

    // A re-list delivers new instances of unchanged Secrets; their resourceVersion says they are the same.
    private static bool IsSameVersion(V1Secret known, V1Secret secret) =>
        ReferenceEquals(known, secret)
        || (secret.Metadata.ResourceVersion is { Length: > 0 } version && version == known.Metadata.ResourceVersion);

    private static bool HasSameContent(V1Secret known, V1Secret secret) =>
        known.Type == secret.Type && SameData(known, secret, "tls.crt") && SameData(known, secret, "tls.key");

    private static bool SameData(V1Secret known, V1Secret secret, string field)
    {
        byte[]? a = null, b = null;
        known.Data?.TryGetValue(field, out a);
        secret.Data?.TryGetValue(field, out b);
        return a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
    }

    private TlsCertificate Read(V1Secret secret)
    {
        var certificate = new TlsCertificate
        {
            SecretNamespace = secret.Metadata.NamespaceProperty ?? "",
            SecretName = secret.Metadata.Name ?? "",
            Warn = events is null ? null : message => events.Warn(secret, InvalidCertificate, message),
        };
        if (secret.Type != TlsCertificate.SecretType)
        {
            return certificate with { ErrorField = "type", Error = $"is '{secret.Type}', not {TlsCertificate.SecretType}" };
        }

        byte[]? chain = null, privateKey = null;
        if (secret.Data is { } data)
        {
            data.TryGetValue("tls.crt", out chain);
            data.TryGetValue("tls.key", out privateKey);
        }

        if (chain is not { Length: > 0 })
        {
            return certificate with { ErrorField = "data[tls.crt]", Error = "is missing or empty" };
        }

        return privateKey is not { Length: > 0 }
            ? certificate with { ErrorField = "data[tls.key]", Error = "is missing or empty" }
            : certificate with { CertificatePem = chain, KeyPem = privateKey };
    }
}
