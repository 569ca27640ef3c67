namespace Gateway.Rollout;

/// <summary>The engine's answer: the new state, what changed, and the checks it was judged on (empty when none ran).</summary>
internal sealed record RolloutDecision(RolloutDecisionKind Kind, RolloutState State, IReadOnlyList<RolloutCheck> Checks)
{
    public static RolloutDecision Unchanged(RolloutState state, IReadOnlyList<RolloutCheck> checks) => new(RolloutDecisionKind.Unchanged, state, checks);
}
