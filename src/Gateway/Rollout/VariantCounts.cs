namespace Gateway.Rollout;

/// <summary>A snapshot of <see cref="VariantCounters"/>; two of them make the sample of a step.</summary>
internal sealed record VariantCounts(long Requests, long ServerErrors, long ConnectionFailures, long Timeouts, long[] Latency)
{
    public static VariantCounts Zero { get; } = new(0, 0, 0, 0, new long[LatencyBuckets.Count]);

    /// <summary>What happened between <paramref name="baseline"/> and this snapshot.</summary>
    public VariantSample Since(VariantCounts baseline)
    {
        Span<long> latency = stackalloc long[Latency.Length];
        for (var i = 0; i < latency.Length; i++)
        {
            latency[i] = Latency[i] - baseline.Latency[i];
        }

        return new VariantSample(
            Requests - baseline.Requests,
            ServerErrors - baseline.ServerErrors,
            ConnectionFailures - baseline.ConnectionFailures,
            Timeouts - baseline.Timeouts,
            LatencyBuckets.P99(latency));
    }
}
