using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gateway.Model;

/// <summary>An immutable snapshot of everything the gateway serves. Routes keep declaration order.</summary>
internal sealed record GatewayModel
{
    public static GatewayModel Empty { get; } = new();

    public ImmutableArray<RouteModel> Routes { get; init; } = [];

    public ImmutableDictionary<string, BackendModel> Backends { get; init; } =
        ImmutableDictionary<string, BackendModel>.Empty.WithComparers(StringComparer.Ordinal);

    public ImmutableDictionary<string, RateLimitPolicy> RateLimitPolicies { get; init; } =
        ImmutableDictionary<string, RateLimitPolicy>.Empty.WithComparers(StringComparer.Ordinal);

    public ImmutableDictionary<string, AuthPolicy> AuthPolicies { get; init; } =
        ImmutableDictionary<string, AuthPolicy>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Certificates to serve by SNI, from every source.</summary>
    public ImmutableArray<TlsBinding> TlsBindings { get; init; } = [];

    /// <summary>
    /// The certificates of the TLS Secrets a source reads, for the Secrets <see cref="TlsBindings"/> name. Left out of
    /// the model's JSON: /config shows the certificates in force, and most Secrets read are bound by nobody.
    /// </summary>
    [JsonIgnore]
    public ImmutableArray<TlsCertificate> TlsCertificates { get; init; } = [];

    /// <summary>Whether a source reads TLS Secrets and has listed them: until then a bound Secret is not missing, only not read yet.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TlsSecretsListed { get; init; }

    /// <summary>Keys a source adds to policies declared by others; empty once merged (they are then in <see cref="AuthPolicies"/>).</summary>
    public ImmutableArray<ApiKeyGrant> ApiKeyGrants { get; init; } = [];
}
