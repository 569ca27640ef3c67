using System.Collections.Frozen;

namespace Gateway.Tls;

/// <summary>
/// Which certificate answers which server name, frozen once per change: an exact host first, then a <c>*.suffix</c>
/// wildcard one label deep (<c>*.example.com</c> covers <c>a.example.com</c>, not <c>a.b.example.com</c>), then the
/// default certificate. Names compare case-insensitively, as DNS does.
/// </summary>
internal sealed class SniTable
{
    public static SniTable Empty { get; } = new([], null);

    private readonly FrozenDictionary<string, ServerCertificate> _exact;
    private readonly FrozenDictionary<string, ServerCertificate>.AlternateLookup<ReadOnlySpan<char>> _wildcards;

    /// <param name="hosts">Host names or <c>*.suffix</c> wildcards with their certificate; a later entry for the same name wins.</param>
    public SniTable(IEnumerable<KeyValuePair<string, ServerCertificate>> hosts, ServerCertificate? defaultCertificate)
    {
        var exact = new Dictionary<string, ServerCertificate>(StringComparer.OrdinalIgnoreCase);
        var wildcards = new Dictionary<string, ServerCertificate>(StringComparer.OrdinalIgnoreCase);
        foreach (var (host, certificate) in hosts)
        {
            if (host.StartsWith("*.", StringComparison.Ordinal))
            {
                wildcards[host[2..]] = certificate;
            }
            else
            {
                exact[host] = certificate;
            }
        }

        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _wildcards = wildcards.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        Default = defaultCertificate;
    }

    public ServerCertificate? Default { get; }

    /// <summary>Every host entry, for /config and the expiry metric.</summary>
    public IEnumerable<KeyValuePair<string, ServerCertificate>> Hosts =>
        _exact.Concat(_wildcards.Dictionary.Select(w => KeyValuePair.Create("*." + w.Key, w.Value)));

    /// <summary>The certificate for <paramref name="serverName"/> (the client's SNI; null or empty when it sent none) and how it was found.</summary>
    public ServerCertificate? Select(string? serverName, out SniMatch match)
    {
        if (!string.IsNullOrEmpty(serverName))
        {
            if (_exact.TryGetValue(serverName, out var exact))
            {
                match = SniMatch.Exact;
                return exact;
            }

            var dot = serverName.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && _wildcards.TryGetValue(serverName.AsSpan(dot + 1), out var wildcard))
            {
                match = SniMatch.Wildcard;
                return wildcard;
            }
        }

        match = Default is null ? SniMatch.None : SniMatch.Default;
        return Default;
    }
}
