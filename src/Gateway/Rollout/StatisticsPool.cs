using System.Collections.Immutable;

namespace Gateway.Rollout;

/// <summary>
/// The leader's view of the other replicas' statistics: the latest each published, with the time it arrived by the
/// leader's own clock (the publishers' clocks may disagree with it). A publisher silent for <see cref="MissedIntervals"/>
/// of its intervals has stopped or lost the API server and drops out: its counts leave the sum.
/// </summary>
/// <remarks>Written by one watch, read by the rollout ticks: an immutable dictionary swapped whole, no lock.</remarks>
internal sealed class StatisticsPool(TimeProvider timeProvider)
{
    public const int MissedIntervals = 3;

    private static readonly ImmutableDictionary<string, ReceivedStatistics> Empty = ImmutableDictionary<string, ReceivedStatistics>.Empty.WithComparers(StringComparer.Ordinal);

    private volatile ImmutableDictionary<string, ReceivedStatistics> _publishers = Empty;

    /// <summary>The latest statistics of <paramref name="publisher"/>, received now.</summary>
    public void Received(string publisher, ReplicaStatistics statistics) =>
        _publishers = _publishers.SetItem(publisher, new ReceivedStatistics(statistics, timeProvider.GetUtcNow()));

    public void Removed(string publisher) => _publishers = _publishers.Remove(publisher);

    /// <summary>Every publisher's statistics, received now (a list of them); the ones not listed are forgotten.</summary>
    public void Replace(IEnumerable<KeyValuePair<string, ReplicaStatistics>> publishers)
    {
        var now = timeProvider.GetUtcNow();
        var builder = Empty.ToBuilder();
        foreach (var (publisher, statistics) in publishers)
        {
            builder[publisher] = new ReceivedStatistics(statistics, now);
        }

        _publishers = builder.ToImmutable();
    }

    /// <summary>Forgets every publisher, when this replica stops reading them.</summary>
    public void Clear() => _publishers = Empty;

    /// <summary>The sum of the counts that live publishers took in <paramref name="route"/>'s step <paramref name="state"/>.</summary>
    public PooledCounts Others(string route, RolloutState state)
    {
        var now = timeProvider.GetUtcNow();
        var canary = VariantCounts.Zero;
        var primary = VariantCounts.Zero;
        var replicas = 0;
        foreach (var (_, received) in _publishers)
        {
            if (now - received.At > received.Statistics.Interval * MissedIntervals
                || !received.Statistics.Routes.TryGetValue(route, out var counts)
                || !counts.IsOf(state))
            {
                continue;
            }

            canary = canary.Plus(counts.Canary);
            primary = primary.Plus(counts.Primary);
            replicas++;
        }

        return replicas == 0 ? PooledCounts.None : new PooledCounts(canary, primary, replicas);
    }
}
