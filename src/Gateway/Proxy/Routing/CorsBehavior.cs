using System.Collections.Frozen;
using System.Globalization;
using Gateway.Model;

namespace Gateway.Proxy.Routing;

/// <summary>
/// A route's <see cref="CorsPolicy"/> compiled for the hot path: the origin check is a set lookup or a few span
/// compares, and every header value is a ready string.
/// </summary>
internal sealed class CorsBehavior
{
    private readonly bool _anyOrigin;
    private readonly FrozenSet<string> _origins;
    private readonly (string Scheme, string Suffix)[] _wildcards;

    public CorsBehavior(CorsPolicy policy)
    {
        var exact = new List<string>();
        var wildcards = new List<(string, string)>();
        foreach (var origin in policy.AllowOrigins)
        {
            if (origin == "*")
            {
                _anyOrigin = true;
            }
            else if (origin.IndexOf("://*.", StringComparison.Ordinal) is var star and > 0)
            {
                // "https://*.example.com" takes "https://a.example.com", one label only, as ingress-nginx does.
                wildcards.Add((origin[..(star + 3)], origin[(star + 4)..]));
            }
            else
            {
                exact.Add(origin.TrimEnd('/'));
            }
        }

        _origins = exact.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _wildcards = [.. wildcards];
        AllowCredentials = policy.AllowCredentials;
        AllowMethods = string.Join(", ", policy.AllowMethods);
        AllowHeaders = string.Join(", ", policy.AllowHeaders);
        ExposeHeaders = policy.ExposeHeaders.IsEmpty ? null : string.Join(", ", policy.ExposeHeaders);
        MaxAge = policy.MaxAge is { } maxAge ? ((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null;
    }

    public bool AllowCredentials { get; }

    public string AllowMethods { get; }

    public string AllowHeaders { get; }

    public string? ExposeHeaders { get; }

    public string? MaxAge { get; }

    /// <summary>
    /// The <c>Access-Control-Allow-Origin</c> value for <paramref name="origin"/>, or null when it is not allowed.
    /// With credentials a wildcard policy echoes the origin, because browsers refuse <c>*</c> with credentials.
    /// </summary>
    public string? AllowOriginFor(string origin)
    {
        if (_anyOrigin)
        {
            return AllowCredentials ? origin : "*";
        }

        if (_origins.Contains(origin))
        {
            return origin;
        }

        var span = origin.AsSpan();
        foreach (var (scheme, suffix) in _wildcards)
        {
            if (span.Length > scheme.Length + suffix.Length
                && span.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
                && span.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && span[scheme.Length..^suffix.Length] is var label
                && label.IndexOfAny('.', '/', ':') < 0)
            {
                return origin;
            }
        }

        return null;
    }
}
