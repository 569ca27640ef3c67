using System.Text.Json.Serialization;

namespace Gateway.Model;

/// <summary>
/// A <c>kubernetes.io/tls</c> Secret as a source read it: the PEM certificate chain and private key it holds, or the
/// field that stops it from holding one. <see cref="TlsBinding"/>s name Secrets; the certificate registry looks them up
/// here and parses a record once, when a binding first names it, so Secrets nobody binds cost no parse.
/// </summary>
internal sealed record TlsCertificate
{
    /// <summary>The Secret type that holds a certificate and its key.</summary>
    public const string SecretType = "kubernetes.io/tls";

    public required string SecretNamespace { get; init; }

    public required string SecretName { get; init; }

    /// <summary>The PEM certificate chain, leaf first (<c>data[tls.crt]</c>); empty when <see cref="ErrorField"/> is set.</summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> CertificatePem { get; init; }

    /// <summary>The PEM private key (<c>data[tls.key]</c>); empty when <see cref="ErrorField"/> is set.</summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> KeyPem { get; init; }

    /// <summary>The field of the Secret that cannot hold a certificate (<c>type</c>, <c>data[tls.crt]</c>, <c>data[tls.key]</c>); null when both PEM texts are there.</summary>
    public string? ErrorField { get; init; }

    /// <summary>What is wrong with <see cref="ErrorField"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Tells the Secret's owner about a problem with it (a Warning Event), for a source that can.</summary>
    [JsonIgnore]
    public Action<string>? Warn { get; init; }

    /// <summary><c>namespace/name</c>, as bindings name the Secret.</summary>
    public string Key => $"{SecretNamespace}/{SecretName}";
}
