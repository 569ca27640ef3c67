namespace Gateway.Rollout;

/// <summary>What one side of a split (the canary, or the primary: every other backend) did during a step.</summary>
/// <param name="P99">The 99th-percentile latency (time to the response's first byte), as the upper bound of its histogram bucket; null without requests.</param>
internal readonly record struct VariantSample(long Requests, long ServerErrors, long ConnectionFailures, long Timeouts, TimeSpan? P99)
{
    public long Errors => ServerErrors + ConnectionFailures + Timeouts;

    /// <summary>Share of the requests that failed; 0 without requests.</summary>
    public double ErrorRate => Requests == 0 ? 0 : Errors / (double)Requests;
}
