using Gateway.Model;

namespace Gateway.Rollout;

/// <summary>What the runtime keeps per rolled-out route: its state, the counters' values when its window began, and its recent decisions.</summary>
internal sealed class TrackedRollout(string route, RolloutSlot slot)
{
    private const int HistoryLength = 20;

    private readonly Queue<string> _history = new();

    public string Route { get; } = route;

    public RolloutSlot Slot { get; } = slot;

    public string Canary { get; set; } = "";

    /// <summary>The route's source, for observers that tell the object that declared the rollout.</summary>
    public string Source { get; set; } = "";

    public RolloutPolicy Policy { get; set; } = new();

    public RolloutState? State { get; set; }

    /// <summary>When this process began the current step's window (see <see cref="RolloutStatus.AppliedAt"/>).</summary>
    public DateTimeOffset AppliedAt { get; set; }

    public VariantCounts CanaryBaseline { get; set; } = VariantCounts.Zero;

    public VariantCounts PrimaryBaseline { get; set; } = VariantCounts.Zero;

    public IReadOnlyList<RolloutCheck> LastChecks { get; set; } = [];

    public IReadOnlyList<string> History => [.. _history];

    public void Remember(string line)
    {
        if (_history.Count == HistoryLength)
        {
            _history.Dequeue();
        }

        _history.Enqueue(line);
    }
}
