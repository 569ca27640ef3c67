namespace Gateway.Proxy.Routing;

/// <summary>Replaces the matched prefix of a path, segment-aware, as Gateway API's ReplacePrefixMatch does.</summary>
internal static class PrefixRewriter
{
    /// <example><c>/service-a/x</c> with prefix <c>/service-a</c> and replacement <c>/</c> gives <c>/x</c>; <c>/service-a</c> gives <c>/</c>.</example>
    public static string Replace(string path, string prefix, string replacement)
    {
        var matchedLength = prefix == "/" ? 0 : prefix.TrimEnd('/').Length;
        var rest = path.AsSpan(Math.Min(matchedLength, path.Length));
        if (replacement.EndsWith('/') && rest.StartsWith("/"))
        {
            rest = rest[1..];
        }

        var result = string.Concat(replacement, rest);
        return result.Length == 0 ? "/" : result;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="prefix"/> or lies below it: <c>/a</c> covers <c>/a</c>, <c>/a/</c>, <c>/a/b</c>, never <c>/ab</c>.</summary>
    public static bool IsUnder(ReadOnlySpan<char> path, string prefix, StringComparison comparison = StringComparison.Ordinal)
    {
        var trimmed = prefix.AsSpan().TrimEnd('/');
        if (trimmed.IsEmpty)
        {
            return path.StartsWith("/");
        }

        return path.StartsWith(trimmed, comparison)
            && (path.Length == trimmed.Length || path[trimmed.Length] == '/');
    }
}
