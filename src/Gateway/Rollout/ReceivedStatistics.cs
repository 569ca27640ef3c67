namespace Gateway.Rollout;

/// <summary>A replica's statistics as the leader holds them: what it published and when that arrived, by the leader's clock.</summary>
internal readonly record struct ReceivedStatistics(ReplicaStatistics Statistics, DateTimeOffset At);
