namespace Gateway.Rollout;

/// <summary>
/// One replica's counts of one rollout's current step, tagged with the step they were taken in: the rollout's
/// definition and the step's start, as the leader published them. The leader adds only counts of its own current step,
/// so a step change never mixes the counts of two steps.
/// </summary>
internal sealed record StepCounts(string Definition, DateTimeOffset StepStartedAt, VariantCounts Canary, VariantCounts Primary)
{
    /// <summary>Whether these counts were taken in the step <paramref name="state"/> is at.</summary>
    public bool IsOf(RolloutState state) => Definition == state.Definition && StepStartedAt == state.StepStartedAt;
}
