using System.Diagnostics;

namespace Gateway.Rollout;

/// <summary>
/// The fixed latency histogram of a rollout's variants: upper bounds from 1 ms to 2 minutes, about 1.5x apart, plus one
/// bucket for anything slower. A p99 read from it is the upper bound of its bucket: coarse, and never lower than the truth.
/// </summary>
internal static class LatencyBuckets
{
    private static readonly double[] BoundsMs =
    [
        1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750,
        1000, 1500, 2000, 3000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000,
    ];

    // The bounds in Stopwatch ticks, so a request's elapsed ticks are bucketed without a conversion.
    private static readonly long[] BoundsTicks = Array.ConvertAll(BoundsMs, ms => (long)(ms * Stopwatch.Frequency / 1000));

    /// <summary>The number of buckets, the last one open-ended.</summary>
    public static int Count { get; } = BoundsMs.Length + 1;

    /// <summary>The bucket of a latency measured in <see cref="Stopwatch"/> ticks.</summary>
    public static int IndexOf(long elapsedTicks)
    {
        var index = Array.BinarySearch(BoundsTicks, elapsedTicks);
        return index >= 0 ? index : ~index;
    }

    /// <summary>The upper bound of bucket <paramref name="index"/>; the open-ended bucket reports twice the last bound.</summary>
    public static TimeSpan UpperBound(int index) =>
        TimeSpan.FromMilliseconds(index < BoundsMs.Length ? BoundsMs[index] : BoundsMs[^1] * 2);

    /// <summary>The 99th percentile of <paramref name="counts"/> (per bucket); null when they hold no request.</summary>
    public static TimeSpan? P99(ReadOnlySpan<long> counts)
    {
        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        // The smallest bucket by which at least 99% of the requests are counted.
        var rank = (long)Math.Ceiling(total * 0.99);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperBound(i);
            }
        }

        return UpperBound(counts.Length - 1);
    }
}
