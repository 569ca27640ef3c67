using System.Collections.Concurrent;

namespace Gateway.Observability;

/// <summary>One <see cref="RouteStats"/> per route name, kept across reloads so a rate survives a configuration change.</summary>
internal sealed class RouteStatsRegistry
{
    private readonly ConcurrentDictionary<string, RouteStats> _stats = new(StringComparer.Ordinal);

    public RouteStats For(string route) => _stats.GetOrAdd(route, static _ => new RouteStats());

    public RouteStats? Find(string route) => _stats.GetValueOrDefault(route);

    /// <summary>Forgets routes that no longer exist.</summary>
    public void Retain(IReadOnlySet<string> routes)
    {
        foreach (var name in _stats.Keys)
        {
            if (!routes.Contains(name))
            {
                _stats.TryRemove(name, out _);
            }
        }
    }
}
