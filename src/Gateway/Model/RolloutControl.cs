namespace Gateway.Model;

/// <summary>A manual instruction to a rollout written in the configuration or an annotation.</summary>
internal enum RolloutControl
{
    /// <summary>The analysis decides.</summary>
    None,

    /// <summary>The canary keeps its current share; nothing is judged.</summary>
    Pause,

    /// <summary>The canary goes back to 0 % and stays there.</summary>
    Abort,

    /// <summary>The canary takes all traffic at once.</summary>
    Promote,
}
