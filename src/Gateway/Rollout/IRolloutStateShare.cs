namespace Gateway.Rollout;

/// <summary>
/// Where replicas share their rollouts: one process decides (the leader) and publishes every route's state, the others
/// follow what it published. Without one, a process decides alone.
/// </summary>
internal interface IRolloutStateShare
{
    /// <summary>Raised when <see cref="Shared"/> changes, so a follower applies a published step at once rather than at its next tick.</summary>
    event Action? Changed;

    /// <summary>True while this process decides: it leads, and has read what the previous leader published.</summary>
    bool Decides { get; }

    /// <summary>The states last published by the deciding process, by route name; empty before any.</summary>
    IReadOnlyDictionary<string, RolloutState> Shared { get; }

    /// <summary>Publishes the deciding process's states; returns at once, the write happens in the background.</summary>
    void Publish(IReadOnlyDictionary<string, RolloutState> states);
}
