using System.Text.Json.Serialization;

namespace Gateway.Rollout;

/// <summary>What a replica that does not decide publishes for the leader: its counts of every progressing rollout's step.</summary>
/// <param name="Replica">The publishing process, for logs.</param>
/// <param name="Interval">How often it publishes; the leader drops it after <see cref="StatisticsPool.MissedIntervals"/> silent intervals.</param>
/// <param name="Routes">The counts by route name.</param>
internal sealed record ReplicaStatistics(string Replica, TimeSpan Interval, IReadOnlyDictionary<string, StepCounts> Routes)
{
    /// <summary>
    /// Whether statistics read from another replica can be added: a positive interval, and every route's counts
    /// tagged and of this histogram. Anything else (another version's shape, a hand edit) is left out whole.
    /// </summary>
    [JsonIgnore]
    public bool IsWellFormed
    {
        get
        {
            if (Replica is null || Interval <= TimeSpan.Zero || Routes is null)
            {
                return false;
            }

            foreach (var (route, counts) in Routes)
            {
                if (route is null || counts?.Definition is null || counts.Canary?.IsWellFormed != true || counts.Primary?.IsWellFormed != true)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
