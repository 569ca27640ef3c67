using System.Text;
using Gateway.Sources.Kubernetes;
using k8s.Models;

namespace Gateway.Tls;

/// <summary>
/// Certificates read from the watched kubernetes.io/tls Secrets, each Secret version parsed once. When a Secret
/// changes into something that cannot be served, its last good certificate is kept for its hosts.
/// </summary>
internal sealed class SecretCertificates(IReadOnlyList<ResourceCache<V1Secret>> caches)
{
    public const string TlsType = "kubernetes.io/tls";

    private Dictionary<string, ParsedSecret> _parsed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServerCertificate> _lastGood = new(StringComparer.Ordinal);

    public bool IsSynced => caches.All(c => c.IsSynced);

    public IReadOnlyList<ResourceCache<V1Secret>> Caches => caches;

    /// <summary>Starts a rebuild: parses kept for Secrets that are not looked up again are dropped at <see cref="EndRebuild"/>.</summary>
    public Dictionary<string, ParsedSecret> BeginRebuild() => new(StringComparer.Ordinal);

    public void EndRebuild(Dictionary<string, ParsedSecret> used) => _parsed = used;

    /// <summary>The Secret <paramref name="key"/> (<c>namespace/name</c>) and its parse; null when no watched Secret has that name.</summary>
    public (V1Secret Secret, ParsedSecret Parsed, ServerCertificate? LastGood)? Find(string key, Dictionary<string, ParsedSecret> used)
    {
        V1Secret? secret = null;
        foreach (var cache in caches)
        {
            if (cache.Items.TryGetValue(key, out secret))
            {
                break;
            }
        }

        if (secret is null)
        {
            return null;
        }

        var version = secret.Metadata.ResourceVersion ?? "";
        if (!_parsed.TryGetValue(key, out var parsed) || parsed.ResourceVersion != version)
        {
            parsed = Parse(key, version, secret);
            if (parsed.Certificate is { } good)
            {
                _lastGood[key] = good;
            }
        }

        used[key] = parsed;
        return (secret, parsed, _lastGood.GetValueOrDefault(key));
    }

    /// <summary>Forgets the last good certificate of Secrets that no longer exist, so a deleted Secret stops serving.</summary>
    public void ForgetDeleted()
    {
        foreach (var key in _lastGood.Keys.ToList())
        {
            if (!caches.Any(c => c.Items.ContainsKey(key)))
            {
                _lastGood.Remove(key);
            }
        }
    }

    private static ParsedSecret Parse(string key, string version, V1Secret secret)
    {
        if (secret.Type != TlsType)
        {
            return new ParsedSecret(version, null, "type", $"is '{secret.Type}', not {TlsType}");
        }

        byte[]? certificate = null, privateKey = null;
        if (secret.Data is { } data)
        {
            data.TryGetValue("tls.crt", out certificate);
            data.TryGetValue("tls.key", out privateKey);
        }

        if (certificate is not { Length: > 0 })
        {
            return new ParsedSecret(version, null, "data[tls.crt]", "is missing or empty");
        }

        if (privateKey is not { Length: > 0 })
        {
            return new ParsedSecret(version, null, "data[tls.key]", "is missing or empty");
        }

        var read = PemCertificateReader.TryRead("secret " + key, Encoding.UTF8.GetString(certificate), Encoding.UTF8.GetString(privateKey), out var error);
        return read is not null
            ? new ParsedSecret(version, read, null, null)
            : new ParsedSecret(version, null, error!.Part == CertificatePart.Certificate ? "data[tls.crt]" : "data[tls.key]", error.Message);
    }
}
