using System.Text.Json.Serialization;

namespace Gateway.Rollout;

/// <summary>
/// A snapshot of <see cref="VariantCounters"/>, or the difference of two (a step's counts), or the sum of several
/// replicas' differences: the whole histogram is kept so a p99 can be read from a sum.
/// </summary>
internal sealed record VariantCounts(long Requests, long ServerErrors, long ConnectionFailures, long Timeouts, long[] Latency)
{
    public static VariantCounts Zero { get; } = new(0, 0, 0, 0, new long[LatencyBuckets.Count]);

    /// <summary>Whether counts read from another replica fit this histogram and are not negative.</summary>
    [JsonIgnore]
    public bool IsWellFormed
    {
        get
        {
            if (Latency is null || Latency.Length != LatencyBuckets.Count || Requests < 0 || ServerErrors < 0 || ConnectionFailures < 0 || Timeouts < 0)
            {
                return false;
            }

            foreach (var count in Latency)
            {
                if (count < 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The counts between <paramref name="baseline"/> and this snapshot.</summary>
    public VariantCounts Minus(VariantCounts baseline) => Combine(baseline, -1);

    /// <summary>These counts and <paramref name="other"/>'s together (two replicas' counts of one step).</summary>
    public VariantCounts Plus(VariantCounts other) => Combine(other, 1);

    /// <summary>The counts as the checks read them, with the p99 of the histogram.</summary>
    public VariantSample Sample() => new(Requests, ServerErrors, ConnectionFailures, Timeouts, LatencyBuckets.P99(Latency));

    private VariantCounts Combine(VariantCounts other, int sign)
    {
        var latency = new long[Latency.Length];
        for (var i = 0; i < latency.Length; i++)
        {
            latency[i] = Latency[i] + (sign * other.Latency[i]);
        }

        return new VariantCounts(
            Requests + (sign * other.Requests),
            ServerErrors + (sign * other.ServerErrors),
            ConnectionFailures + (sign * other.ConnectionFailures),
            Timeouts + (sign * other.Timeouts),
            latency);
    }
}
