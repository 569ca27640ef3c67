using System.Text.Json.Serialization;

namespace Gateway.Model;

/// <summary>
/// A <c>kubernetes.io/tls</c> Secret as a source read it: the certificate it serves, parsed once per Secret version, or
/// the field that stops it. <see cref="TlsBinding"/>s name Secrets; the certificate registry looks them up here.
/// </summary>
internal sealed record TlsCertificate
{
    /// <summary>The Secret type that holds a certificate and its key.</summary>
    public const string SecretType = "kubernetes.io/tls";

    public required string SecretNamespace { get; init; }

    public required string SecretName { get; init; }

    /// <summary>What to serve: this version's certificate, or while it is broken the last good one; null when there is none.</summary>
    [JsonIgnore]
    public ServerCertificate? Certificate { get; init; }

    public DateTimeOffset? NotAfter => Certificate?.NotAfter;

    /// <summary>The field of the Secret that cannot be served (<c>type</c>, <c>data[tls.crt]</c>, <c>data[tls.key]</c>); null when it is good.</summary>
    public string? ErrorField { get; init; }

    /// <summary>What is wrong with <see cref="ErrorField"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Tells the Secret's owner about a problem with it (a Warning Event), for a source that can.</summary>
    [JsonIgnore]
    public Action<string>? Warn { get; init; }

    public string Key => $"{SecretNamespace}/{SecretName}";
}
