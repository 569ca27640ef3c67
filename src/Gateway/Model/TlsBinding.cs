using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>
/// A certificate to serve by SNI: a <c>kubernetes.io/tls</c> Secret for <see cref="Hostnames"/> (exact or
/// <c>*.suffix</c>); no hostnames makes it the default certificate.
/// </summary>
internal sealed record TlsBinding
{
    public ImmutableArray<string> Hostnames { get; init; } = [];

    public required string SecretNamespace { get; init; }

    public required string SecretName { get; init; }

    /// <summary>Where the binding was declared, for error messages and status (e.g. <c>ingress models/web</c>).</summary>
    public string Source { get; init; } = "";
}
