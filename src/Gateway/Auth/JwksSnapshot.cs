using Microsoft.IdentityModel.Tokens;

namespace Gateway.Auth;

/// <summary>The signing keys of one fetch (or of a static JWKS), indexed by <c>kid</c>, and the issuer the discovery document named.</summary>
internal sealed class JwksSnapshot
{
    private readonly Dictionary<string, SecurityKey[]> _byKid = new(StringComparer.Ordinal);

    public JwksSnapshot(JsonWebKeySet set, string? issuer, long fetchedAt)
    {
        var all = new List<SecurityKey>();
        foreach (var key in set.Keys)
        {
            // Keys meant for encryption are never used to check signatures.
            if (key.Use is { Length: > 0 } use && use != JsonWebKeyUseNames.Sig)
            {
                continue;
            }

            all.Add(key);
            if (key.Kid is { } kid)
            {
                _byKid[kid] = _byKid.TryGetValue(kid, out var others) ? [.. others, key] : [key];
            }
        }

        All = [.. all];
        Issuer = issuer;
        FetchedAt = fetchedAt;
    }

    private JwksSnapshot()
    {
        All = [];
        FetchedAt = long.MinValue;
    }

    public static JwksSnapshot Empty { get; } = new();

    public SecurityKey[] All { get; }

    public string? Issuer { get; }

    /// <summary>When the keys were fetched, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long FetchedAt { get; }

    /// <summary>The keys a token with <paramref name="kid"/> may be signed with; a token without a kid may use any.</summary>
    public SecurityKey[]? Find(string? kid) =>
        kid is null ? (All.Length > 0 ? All : null) : _byKid.GetValueOrDefault(kid);
}
