namespace Gateway.Rollout;

/// <summary>What a decision did to a rollout; every kind but <see cref="Unchanged"/> is logged with its numbers.</summary>
internal enum RolloutDecisionKind
{
    Unchanged,
    Started,
    Held,
    Stepped,
    Promoted,
    RolledBack,
    Paused,
    Resumed,

    /// <summary>A replica that does not decide took the state the deciding replica published.</summary>
    Followed,

    /// <summary>A command that does not apply in the current phase (e.g. resuming a promoted rollout).</summary>
    Refused,
}
