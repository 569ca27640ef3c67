namespace Gateway.Rollout;

/// <summary>A manual instruction from the admin endpoints or the control annotation.</summary>
internal enum RolloutCommand
{
    Pause,
    Resume,
    Abort,
    Promote,
}
