namespace Gateway.Rollout;

/// <summary>Where a rollout stands.</summary>
internal enum RolloutPhase
{
    /// <summary>The canary has a step's share and each step is judged.</summary>
    Progressing,

    /// <summary>Held by hand at its current share; nothing is judged.</summary>
    Paused,

    /// <summary>The canary takes all traffic; it stays so until the canary's definition changes.</summary>
    Promoted,

    /// <summary>The canary takes no weighted traffic; it stays so until the canary's definition changes.</summary>
    RolledBack,
}
