using System.Collections.Concurrent;

namespace Gateway.Rollout;

/// <summary>One <see cref="RolloutSlot"/> per route name, kept across reloads so a rollout's weight and counters survive a configuration change.</summary>
internal sealed class RolloutRegistry
{
    private readonly ConcurrentDictionary<string, RolloutSlot> _slots = new(StringComparer.Ordinal);

    public RolloutSlot SlotFor(string route) => _slots.GetOrAdd(route, static _ => new RolloutSlot());

    public RolloutSlot? Find(string route) => _slots.GetValueOrDefault(route);

    /// <summary>Forgets the slots of routes that no longer have a rollout, so a rollout added again starts afresh.</summary>
    public void Retain(IReadOnlySet<string> routes)
    {
        foreach (var name in _slots.Keys)
        {
            if (!routes.Contains(name))
            {
                _slots.TryRemove(name, out _);
            }
        }
    }
}
