using System.Collections.Concurrent;

namespace Gateway.Rollout;

/// <summary>
/// One <see cref="RolloutSlot"/> per route name, kept across reloads so a rollout's weight and counters survive a
/// configuration change. Slots are never removed: the translator and the runtime must always meet in the same slot, and
/// only routes that once had a rollout have one.
/// </summary>
internal sealed class RolloutRegistry
{
    private readonly ConcurrentDictionary<string, RolloutSlot> _slots = new(StringComparer.Ordinal);

    public RolloutSlot SlotFor(string route) => _slots.GetOrAdd(route, static _ => new RolloutSlot());

    public RolloutSlot? Find(string route) => _slots.GetValueOrDefault(route);

    /// <summary>The rollouts running now, for metrics and the admin pages.</summary>
    public IEnumerable<RolloutStatus> Statuses()
    {
        foreach (var slot in _slots.Values)
        {
            if (slot.Status is { } status)
            {
                yield return status;
            }
        }
    }
}
