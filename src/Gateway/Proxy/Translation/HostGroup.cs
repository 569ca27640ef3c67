using Gateway.Model;

namespace Gateway.Proxy.Translation;

/// <summary>
/// Hostnames of a route that share one precedence: all exact names together, each wildcard on its own (longer first),
/// or none for a route that takes any host.
/// </summary>
internal sealed record HostGroup(int Rank, int Length, IReadOnlyList<string> Hosts)
{
    public static IReadOnlyList<HostGroup> Of(RouteModel route)
    {
        if (route.Hostnames.IsEmpty)
        {
            return [new HostGroup(2, 0, [])];
        }

        var groups = new List<HostGroup>();
        var exact = route.Hostnames.Where(h => !h.StartsWith('*')).Order(StringComparer.Ordinal).ToArray();
        if (exact.Length > 0)
        {
            groups.Add(new HostGroup(0, 0, exact));
        }

        foreach (var wildcard in route.Hostnames.Where(h => h.StartsWith('*')).OrderByDescending(h => h.Length).ThenBy(h => h, StringComparer.Ordinal))
        {
            groups.Add(new HostGroup(1, wildcard.Length, [wildcard]));
        }

        return groups;
    }
}
