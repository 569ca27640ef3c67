namespace Gateway.Rollout;

/// <summary>Process settings for rollouts, from <c>Gateway:Rollout</c>.</summary>
internal sealed class RolloutOptions
{
    /// <summary>
    /// How often every rollout is judged. A breach is acted on at the next tick, so this bounds the rollback's
    /// reaction once the evidence is in; the steps themselves follow each policy's interval.
    /// </summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a replica that does not lead hands its counts of each progressing step to the leader (in Kubernetes,
    /// one ConfigMap write per replica); the leader forgets a replica silent for three of these.
    /// </summary>
    public TimeSpan StatisticsInterval { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<string> Validate()
    {
        if (TickInterval < TimeSpan.FromMilliseconds(10) || TickInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"Gateway:Rollout:TickInterval '{TickInterval}' must be from 10ms to 1 minute";
        }

        if (StatisticsInterval < TimeSpan.FromMilliseconds(10) || StatisticsInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"Gateway:Rollout:StatisticsInterval '{StatisticsInterval}' must be from 10ms to 1 minute";
        }
    }
}
