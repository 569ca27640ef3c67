using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>
/// A progressive rollout of a route's canary: the gateway sets the canary's share step by step, compares the canary with
/// the primary (the route's other backends) over each step, and promotes it or rolls it back by itself. The canary's
/// declared weight is then ignored: the rollout owns it.
/// </summary>
internal sealed record RolloutPolicy
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    public const int DefaultMinRequests = 100;

    /// <summary>The canary's percentages, ascending; reaching 100 (after the last step passes) is promotion.</summary>
    public ImmutableArray<int> Steps { get; init; } = [1, 5, 10, 25, 50, 100];

    /// <summary>How long each step lasts before it is judged.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>Canary requests a step needs before it is judged; with fewer the step holds.</summary>
    public int MinRequests { get; init; } = DefaultMinRequests;

    /// <summary>Highest share (0 to 1) of the canary's requests that may fail (5xx, connection failure, timeout); null checks none.</summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>Highest canary error rate as a multiple of the primary's; null checks none.</summary>
    public double? MaxErrorRateRatio { get; init; }

    /// <summary>Highest 99th-percentile latency of the canary; null checks none.</summary>
    public TimeSpan? MaxP99Latency { get; init; }

    /// <summary>Highest canary p99 latency as a multiple of the primary's; null checks none.</summary>
    public double? MaxP99LatencyRatio { get; init; }

    /// <summary>
    /// What the user calls this version of the canary (e.g. its image tag). A promoted or rolled-back rollout stays so
    /// until the canary's definition changes; changing the revision is how a new version starts a new rollout.
    /// </summary>
    public string? Revision { get; init; }

    /// <summary>A manual instruction that holds while it is set (pause, abort, promote); <see cref="RolloutControl.None"/> lets the analysis decide.</summary>
    public RolloutControl Control { get; init; }
}
