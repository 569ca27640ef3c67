namespace Gateway.Proxy.Routing;

/// <summary>
/// Finds a query parameter as route matches compare it: by its exact, case-sensitive name (ASP.NET's
/// <c>Request.Query</c> folds case and merges <c>?a=1&amp;A=2</c>), taking the first value when the name repeats, as
/// Gateway API recommends and Envoy does. Reads the raw query string; allocates only to decode an escaped name or value.
/// </summary>
internal static class QueryStringReader
{
    /// <summary>
    /// True when <paramref name="query"/> (with or without its leading <c>?</c>) has parameter <paramref name="name"/>;
    /// <paramref name="value"/> is then its first value, decoded (<c>?name</c> alone has the empty value).
    /// </summary>
    public static bool TryGetFirst(string? query, string name, out ReadOnlySpan<char> value)
    {
        var rest = query.AsSpan();
        if (rest.StartsWith("?"))
        {
            rest = rest[1..];
        }

        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var equals = pair.IndexOf('=');
            var rawName = equals < 0 ? pair : pair[..equals];
            if (Decode(rawName).SequenceEqual(name))
            {
                value = equals < 0 ? [] : Decode(pair[(equals + 1)..]);
                return true;
            }
        }

        value = [];
        return false;
    }

    // Form encoding, as ASP.NET reads a query: '+' is a space, %XX a byte of UTF-8.
    private static ReadOnlySpan<char> Decode(ReadOnlySpan<char> raw) =>
        raw.IndexOfAny('%', '+') < 0 ? raw : Uri.UnescapeDataString(raw.ToString().Replace('+', ' '));
}
