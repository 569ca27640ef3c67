namespace Gateway.Rollout;

/// <summary>A route's rollout as shown to people: its state, the checks of the last evaluation and its recent decisions.</summary>
/// <param name="Canary">The canary's backend.</param>
/// <param name="Steps">The policy's steps, for showing progress.</param>
/// <param name="Instruction">What the user must change in their object to finish, once promoted or rolled back; null before.</param>
/// <param name="History">The latest decisions, oldest first, each with its time and numbers.</param>
/// <param name="AppliedAt">When this process put the current step's share in place (by its own clock): where the leader decided it, or where a follower received it.</param>
internal sealed record RolloutStatus(
    string Route,
    string Canary,
    RolloutState State,
    IReadOnlyList<RolloutCheck> Checks,
    IReadOnlyList<int> Steps,
    string? Instruction,
    IReadOnlyList<string> History,
    DateTimeOffset AppliedAt);
