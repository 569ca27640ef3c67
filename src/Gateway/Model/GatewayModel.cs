using System.Collections.Immutable;

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

    /// <summary>Keys a source adds to policies declared by others; empty once merged (they are then in <see cref="AuthPolicies"/>).</summary>
    public ImmutableArray<ApiKeyGrant> ApiKeyGrants { get; init; } = [];
}
