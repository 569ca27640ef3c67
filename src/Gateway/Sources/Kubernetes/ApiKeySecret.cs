using System.Security.Cryptography;
using System.Text;
using Gateway.Sources.Kubernetes.Annotations;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// An API-key Secret as the gateway keeps it: the key's SHA-256 and its metadata, never the key. It is made from the
/// <see cref="V1Secret"/> as the watch delivers it, before anything is cached, and the decoded key bytes are zeroed.
/// </summary>
/// <remarks>
/// One key per Secret: a Secret is what a platform team creates, rotates (edit <c>data.key</c>) and revokes (delete
/// it) for one client, and RBAC and audit logs work per Secret. Everything else of the Secret is dropped, notably the
/// <c>kubectl.kubernetes.io/last-applied-configuration</c> annotation, which holds the key when it was applied.
/// </remarks>
internal sealed class ApiKeySecret : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Only Secrets with <see cref="MlGatewayAnnotations.ApiKeyLabel"/> set to <c>true</c> are read (the selector is applied by the API server).</summary>
    public const string Selector = MlGatewayAnnotations.ApiKeyLabel + "=true";

    public const string KeyField = "key";
    public const string IdField = "id";
    public const string TenantField = "tenant";
    public const string PlanField = "plan";

    /// <summary>Shorter keys can be guessed; 16 random characters is what <c>openssl rand -hex 8</c> gives.</summary>
    public const int MinKeyLength = 16;

    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "Secret";

    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>SHA-256 of the key as 64 lower-case hex digits; null when <see cref="KeyError"/> says why there is none.</summary>
    public string? Hash { get; private init; }

    public string? KeyError { get; private init; }

    public string? Id { get; private init; }

    public string? Tenant { get; private init; }

    public string? Plan { get; private init; }

    /// <summary>The <see cref="MlGatewayAnnotations.AuthPolicy"/> annotation as written; null when absent.</summary>
    public string? Policies { get; private init; }

    /// <summary>The data keys of the Secret, to say what is there when <c>key</c> is not.</summary>
    public IReadOnlyList<string> DataKeys { get; private init; } = [];

    public string Object => $"Secret '{Metadata.NamespaceProperty}/{Metadata.Name}'";

    public static string Field(string dataKey) => $"data[{dataKey}]";

    public static ApiKeySecret From(V1Secret secret)
    {
        var data = secret.Data ?? new Dictionary<string, byte[]>();
        string? hash = null;
        string? error = null;
        if (!data.TryGetValue(KeyField, out var key))
        {
            error = "is missing: the Secret must hold the API key under data key 'key' (kubectl create secret generic NAME --from-literal=key=...)";
        }
        else
        {
            error = Check(key);
            if (error is null)
            {
                hash = Convert.ToHexStringLower(SHA256.HashData(key));
            }
        }

        var (id, tenant, plan) = (Text(data, IdField), Text(data, TenantField), Text(data, PlanField));
        if (key is not null)
        {
            CryptographicOperations.ZeroMemory(key);
        }

        var annotations = secret.Metadata.Annotations;
        return new ApiKeySecret
        {
            ApiVersion = secret.ApiVersion ?? "v1",
            Kind = secret.Kind ?? "Secret",
            Metadata = new V1ObjectMeta
            {
                Name = secret.Metadata.Name,
                NamespaceProperty = secret.Metadata.NamespaceProperty,
                Uid = secret.Metadata.Uid,
                ResourceVersion = secret.Metadata.ResourceVersion,
            },
            Hash = hash,
            KeyError = error,
            Id = id,
            Tenant = tenant,
            Plan = plan,
            Policies = annotations is not null && annotations.TryGetValue(MlGatewayAnnotations.AuthPolicy, out var policies) ? policies : null,
            DataKeys = [.. data.Keys.Order(StringComparer.Ordinal)],
        };
    }

    /// <summary>
    /// Why <paramref name="key"/> cannot be an API key, or null. Keys travel in a header, so they are printable ASCII
    /// without spaces; a trailing newline (from <c>echo</c> or a file) is the usual mistake, reported as such.
    /// </summary>
    private static string? Check(byte[] key)
    {
        if (key.Length == 0)
        {
            return "is empty";
        }

        if (key[^1] is (byte)'\n' or (byte)'\r')
        {
            return "ends with a line break, which no client sends in a header; create the Secret with --from-literal=key=... or printf, not echo";
        }

        foreach (var b in key)
        {
            if (b is <= (byte)' ' or > (byte)'~')
            {
                return "contains spaces, control or non-ASCII characters; an API key is sent in a header, so use printable ASCII (e.g. openssl rand -hex 24)";
            }
        }

        return key.Length < MinKeyLength
            ? $"is {key.Length} characters long; use at least {MinKeyLength} random characters (e.g. openssl rand -hex 24)"
            : null;
    }

    // Metadata are not secret; surrounding whitespace (a newline from a file) is trimmed, an empty value is absent.
    private static string? Text(IDictionary<string, byte[]> data, string field) =>
        data.TryGetValue(field, out var bytes) && Encoding.UTF8.GetString(bytes).Trim() is { Length: > 0 } text ? text : null;
}
