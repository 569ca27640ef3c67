namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// The hostnames a route serves on a listener, as the Gateway API defines them: a listener without a hostname takes the
/// route's; a route without hostnames takes the listener's; otherwise only names both accept, each written as the more
/// specific of the two (<c>*.example.com</c> on a listener for <c>api.example.com</c> serves <c>api.example.com</c>).
/// </summary>
internal static class HostnameIntersection
{
    /// <returns>The hostnames to serve (empty means any host), or null when the two have no name in common.</returns>
    public static IReadOnlyList<string>? Of(string? listener, IList<string>? route)
    {
        if (string.IsNullOrEmpty(listener))
        {
            return route is null ? [] : [.. route];
        }

        if (route is null || route.Count == 0)
        {
            return [listener];
        }

        var result = new List<string>();
        foreach (var hostname in route)
        {
            if (Intersect(listener, hostname) is { } common && !result.Contains(common, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(common);
            }
        }

        return result.Count == 0 ? null : result;
    }

    private static string? Intersect(string listener, string route)
    {
        var listenerWildcard = listener.StartsWith("*.", StringComparison.Ordinal);
        var routeWildcard = route.StartsWith("*.", StringComparison.Ordinal);
        if (!listenerWildcard && !routeWildcard)
        {
            return string.Equals(listener, route, StringComparison.OrdinalIgnoreCase) ? route : null;
        }

        if (listenerWildcard && !routeWildcard)
        {
            return Covers(listener, route) ? route : null;
        }

        if (!listenerWildcard)
        {
            return Covers(route, listener) ? listener : null;
        }

        // Both wildcards: the longer suffix is the narrower name set.
        return Covers(listener, route[2..]) || string.Equals(listener, route, StringComparison.OrdinalIgnoreCase) ? route
            : Covers(route, listener[2..]) ? listener
            : null;
    }

    /// <summary>Whether <paramref name="wildcard"/> (<c>*.suffix</c>) matches <paramref name="name"/>: at least one label before the suffix.</summary>
    private static bool Covers(string wildcard, string name)
    {
        var suffix = wildcard.AsSpan(1);
        return name.Length > suffix.Length && name.AsSpan().EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }
}
