namespace Gateway.Rollout;

/// <summary>
/// Where one route's rollout stands, immutable: the engine makes a new one for each change. This is what a leader
/// publishes and a new leader resumes from.
/// </summary>
/// <param name="Definition">The canary's definition the rollout belongs to (see <see cref="RolloutDefinition"/>); a new one restarts the rollout.</param>
/// <param name="StepIndex">Index of the current step in the policy's steps.</param>
/// <param name="Weight">The canary's share now, in percent.</param>
/// <param name="StepStartedAt">When the current step (or the current pause) began; its statistics count from here.</param>
/// <param name="Holding">The step's interval is over but it has too few canary requests to be judged.</param>
/// <param name="PausedByControl">The pause comes from the policy's control (annotation or configuration), so it ends when that is removed.</param>
/// <param name="Message">The last decision, with its numbers.</param>
internal sealed record RolloutState(
    string Definition,
    RolloutPhase Phase,
    int StepIndex,
    int Weight,
    DateTimeOffset StepStartedAt,
    bool Holding,
    bool PausedByControl,
    string Message)
{
    /// <summary>A new step began (or the canary's share changed), so the statistics of the last one no longer count.</summary>
    public bool StartsNewWindow(RolloutState? previous) => previous is null || previous.StepStartedAt != StepStartedAt;
}
