using System.Runtime.CompilerServices;
using System.Text;

namespace Gateway.Model;

/// <summary>
/// Settles routes of different sources that take exactly the same requests (same host, path match, method, header and
/// query matches) under different names: the route of the higher-precedence source is served, the other is left out
/// and reported. Without this, which one answered would depend on declaration order across sources.
/// </summary>
internal static class RouteConflicts
{
    // A route's keys by reference: sources hand unchanged routes back across rebuilds, so a change among thousands of
    // discovered routes builds the keys of the changed ones only.
    private static readonly ConditionalWeakTable<RouteModel, List<string>> KeysByRoute = [];

    /// <param name="snapshots">Accepted snapshots, lowest precedence first.</param>
    /// <param name="warnings">Receives one entry per route left out.</param>
    /// <returns>The models of <paramref name="snapshots"/> without the routes that lost a conflict.</returns>
    public static List<GatewayModel> Resolve(IReadOnlyList<SourceSnapshot> snapshots, List<ModelProblem> warnings)
    {
        var claimed = new Dictionary<string, RouteModel>(StringComparer.Ordinal);
        var models = new GatewayModel[snapshots.Count];
        for (var i = snapshots.Count - 1; i >= 0; i--)
        {
            var model = snapshots[i].Model;
            List<RouteModel>? kept = null;
            var own = new List<(string Key, RouteModel Route)>();
            for (var r = 0; r < model.Routes.Length; r++)
            {
                var route = model.Routes[r];
                var keys = KeysByRoute.GetValue(route, Keys);
                var winner = FindWinner(route, keys, claimed);
                if (winner is not null)
                {
                    kept ??= [.. model.Routes.Take(r)];
                    warnings.Add(new ModelProblem(route.Source, $"route '{route.Name}'", "Matches", $"takes the same requests as route '{winner.Name}' from {winner.Source}, which takes precedence; this route is not served"));
                    continue;
                }

                kept?.Add(route);
                foreach (var key in keys)
                {
                    own.Add((key, route));
                }
            }

            // Claimed only after the whole source is read: routes of one source never conflict with each other here.
            foreach (var (key, route) in own)
            {
                claimed.TryAdd(key, route);
            }

            models[i] = kept is null ? model : model with { Routes = [.. kept] };
        }

        return [.. models];
    }

    private static RouteModel? FindWinner(RouteModel route, List<string> keys, Dictionary<string, RouteModel> claimed)
    {
        foreach (var key in keys)
        {
            if (claimed.TryGetValue(key, out var winner) && winner.Name != route.Name)
            {
                return winner;
            }
        }

        return null;
    }

    private static List<string> Keys(RouteModel route)
    {
        var keys = new List<string>();
        var hosts = route.Hostnames.IsEmpty ? ["*"] : route.Hostnames;
        foreach (var host in hosts)
        {
            foreach (var match in route.Matches)
            {
                var key = new StringBuilder()
                    .Append(host.ToLowerInvariant()).Append('\n')
                    .Append(match.Path.Type).Append(match.Path.IgnoreCase ? "/i" : "").Append(':').Append(match.Path.Value).Append('\n')
                    .Append(match.Method).Append('\n');
                foreach (var header in match.Headers.OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase))
                {
                    key.Append(header.Name.ToLowerInvariant()).Append(header.Type).Append(header.Invert ? "!=" : "=").Append(header.Value).Append(';');
                }

                key.Append('\n');
                foreach (var query in match.QueryParameters.OrderBy(q => q.Name, StringComparer.Ordinal))
                {
                    key.Append(query.Name).Append(query.Type).Append('=').Append(query.Value).Append(';');
                }

                keys.Add(key.ToString());
            }
        }

        return keys;
    }
}
