using Gateway.Rollout;

namespace Gateway.Tests.Rollout;

/// <summary>
/// An in-memory statistics share: a follower's <see cref="Publish"/> is kept until <see cref="Deliver"/> hands it to
/// the leader's <see cref="StatisticsPool"/>, as the API server would.
/// </summary>
internal sealed class SharedStatistics(TimeProvider timeProvider) : IRolloutStatisticsShare
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public StatisticsPool Pool { get; } = new(timeProvider);

    public IReadOnlyDictionary<string, StepCounts> Published { get; private set; } = new Dictionary<string, StepCounts>();

    public void Publish(IReadOnlyDictionary<string, StepCounts> routes) => Published = routes;

    public PooledCounts Others(string route, RolloutState state) => Pool.Others(route, state);

    /// <summary>What the follower published last, received by the leader as <paramref name="replica"/>'s.</summary>
    public void Deliver(string replica) => Pool.Received(replica, new ReplicaStatistics(replica, Interval, Published));
}
