using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>
/// How bearer JWTs are validated: the signing keys come from an OIDC discovery document (<see cref="Discovery"/>)
/// or a static JWKS (<see cref="Jwks"/> inline, or <see cref="JwksFile"/>); exactly one of the three is set.
/// </summary>
internal sealed record JwtAuth
{
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultAutomaticRefresh = TimeSpan.FromHours(12);

    public static ImmutableArray<string> DefaultAlgorithms { get; } = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>The required <c>iss</c>; with <see cref="Discovery"/> and no value, the document's issuer.</summary>
    public string? Issuer { get; init; }

    /// <summary>Accepted <c>aud</c> values; the token must name one of them.</summary>
    public ImmutableArray<string> Audiences { get; init; } = [];

    /// <summary>URL of the OIDC discovery document (<c>.../.well-known/openid-configuration</c>) whose <c>jwks_uri</c> gives the keys.</summary>
    [Secret(UserInfoOnly = true)]
    public string? Discovery { get; init; }

    /// <summary>A JWKS document written inline.</summary>
    [Secret]
    public string? Jwks { get; init; }

    /// <summary>Path of a JWKS document, read when the configuration is applied.</summary>
    public string? JwksFile { get; init; }

    /// <summary>Whether <see cref="Discovery"/> and the JWKS it names must be https; only loopback tests turn it off.</summary>
    public bool RequireHttps { get; init; } = true;

    /// <summary>Tolerance on <c>exp</c> and <c>nbf</c>; null means 30 s.</summary>
    public TimeSpan? ClockSkew { get; init; }

    /// <summary>Least time between two key fetches caused by unknown <c>kid</c>s; null means 30 s.</summary>
    public TimeSpan? RefreshInterval { get; init; }

    /// <summary>Signature algorithms accepted; only asymmetric ones are allowed so a public key can never act as an HMAC secret.</summary>
    public ImmutableArray<string> Algorithms { get; init; } = [];

    /// <summary>Scopes that must all be in the token's <c>scope</c> (space-separated) or <c>scp</c> claim; missing ones give 403.</summary>
    public ImmutableArray<string> Scopes { get; init; } = [];

    /// <summary>Claims that must have the given value (for an array claim, contain it); a mismatch gives 403.</summary>
    public ImmutableDictionary<string, string> Claims { get; init; } = ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public string SubjectClaim { get; init; } = "sub";

    /// <summary>Claim giving the tenant header's value; null sends none.</summary>
    public string? TenantClaim { get; init; }

    /// <summary>Claim giving the plan header's value; null sends none.</summary>
    public string? PlanClaim { get; init; }

    public ImmutableArray<string> EffectiveAlgorithms => Algorithms.IsDefaultOrEmpty ? DefaultAlgorithms : Algorithms;
}
