namespace Gateway.Rollout;

/// <summary>A route's rollout as shown to people: its state, the checks of the last evaluation and the canary's backend.</summary>
/// <param name="Steps">The policy's steps, for showing progress.</param>
/// <param name="Instruction">What the user must change in their object to finish, once promoted or rolled back; null before.</param>
internal sealed record RolloutStatus(string Route, string Canary, RolloutState State, IReadOnlyList<RolloutCheck> Checks, IReadOnlyList<int> Steps, string? Instruction);
