namespace Gateway.Rollout;

/// <summary>
/// How the deciding replica judges on every replica's traffic: the others publish their counts of each step, and the
/// decider adds them to its own.
/// </summary>
internal interface IRolloutStatisticsShare
{
    /// <summary>
    /// A replica that does not decide hands over its counts of every progressing rollout's step; returns at once, the
    /// write happens in the background. Empty when it has nothing to count.
    /// </summary>
    void Publish(IReadOnlyDictionary<string, StepCounts> routes);

    /// <summary>The sum of the other live replicas' counts of <paramref name="route"/>'s step <paramref name="state"/>.</summary>
    PooledCounts Others(string route, RolloutState state);
}
