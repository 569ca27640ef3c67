using System.Text;
using Gateway.Model;
using Gateway.Tls;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Turns the watched kubernetes.io/tls Secrets into <see cref="TlsCertificate"/>s, each Secret version parsed once: an
/// unchanged Secret keeps its record, even across a re-list. A Secret that changes into something that cannot be served
/// keeps its last good certificate, with the field at fault; whether that is a problem depends on whether a binding
/// names the Secret, which the certificate registry decides.
/// </summary>
internal sealed class TlsSecretProcessor(KubernetesEventRecorder? events)
{
    public const string Source = "kubernetes tls secrets";

    private const string InvalidCertificate = "InvalidCertificate";

    private Dictionary<string, (V1Secret Secret, TlsCertificate Certificate)> _read = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServerCertificate> _lastGood = new(StringComparer.Ordinal);
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

            changed = true;
            read[key] = (secret, Read(key, secret));
        }

        if (_last is not null && !changed && read.Count == _read.Count)
        {
            return _last;
        }

        // A deleted Secret stops serving: a Secret of the same name created later starts without a last good certificate.
        foreach (var key in _lastGood.Keys.ToList())
        {
            if (!read.ContainsKey(key))
            {
                _lastGood.Remove(key);
            }
        }

        _read = read;
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

    private TlsCertificate Read(string key, V1Secret secret)
    {
        var (certificate, field, error) = Parse(key, secret);
        if (certificate is not null)
        {
            _lastGood[key] = certificate;
        }

        return new TlsCertificate
        {
            SecretNamespace = secret.Metadata.NamespaceProperty ?? "",
            SecretName = secret.Metadata.Name ?? "",
            Certificate = certificate ?? _lastGood.GetValueOrDefault(key),
            ErrorField = field,
            Error = error,
            Warn = events is null ? null : message => events.Warn(secret, InvalidCertificate, message),
        };
    }

    private static (ServerCertificate? Certificate, string? Field, string? Error) Parse(string key, V1Secret secret)
    {
        if (secret.Type != TlsCertificate.SecretType)
        {
            return (null, "type", $"is '{secret.Type}', not {TlsCertificate.SecretType}");
        }

        byte[]? certificate = null, privateKey = null;
        if (secret.Data is { } data)
        {
            data.TryGetValue("tls.crt", out certificate);
            data.TryGetValue("tls.key", out privateKey);
        }

        if (certificate is not { Length: > 0 })
        {
            return (null, "data[tls.crt]", "is missing or empty");
        }

        if (privateKey is not { Length: > 0 })
        {
            return (null, "data[tls.key]", "is missing or empty");
        }

        var read = PemCertificateReader.TryRead("secret " + key, Encoding.UTF8.GetString(certificate), Encoding.UTF8.GetString(privateKey), out var error);
        return read is not null
            ? (read, null, null)
            : (null, error!.Part == CertificatePart.Certificate ? "data[tls.crt]" : "data[tls.key]", error.Message);
    }
}
