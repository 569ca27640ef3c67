namespace Gateway.Rollout;

/// <summary>
/// Where a route's rollout meets its requests, kept across configurations by the route's name: the canary's share the
/// engine set, read on every request of the route, and the counters every request of the route adds to. The weight
/// changes without a configuration reload, so a step reaches the traffic on the next request.
/// </summary>
internal sealed class RolloutSlot
{
    private volatile int _canaryWeight;
    private volatile RolloutStatus? _status;

    /// <summary>The canary's share in percent; 0 until the rollout's first step is set, so a new canary takes nothing early.</summary>
    public int CanaryWeight => _canaryWeight;

    public VariantCounters Canary { get; } = new();

    /// <summary>Every backend of the route but the canary.</summary>
    public VariantCounters Primary { get; } = new();

    /// <summary>The rollout as the <c>/routes</c> page and the admin endpoints show it; null before its first decision.</summary>
    public RolloutStatus? Status => _status;

    public void Record(bool isCanary, RequestOutcome outcome, long elapsedTicks) =>
        (isCanary ? Canary : Primary).Record(outcome, elapsedTicks);

    public void Apply(RolloutStatus status)
    {
        // The weight first: whoever sees the new status sees traffic already following it.
        _canaryWeight = status.State.Weight;
        _status = status;
    }

    /// <summary>The route no longer has a rollout: nothing to show, and a rollout added again starts at 0 %.</summary>
    public void Clear()
    {
        _canaryWeight = 0;
        _status = null;
    }
}
