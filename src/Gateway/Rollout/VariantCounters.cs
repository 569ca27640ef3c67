namespace Gateway.Rollout;

/// <summary>
/// Running totals of one side of a rolled-out split, written on every request: lock-free (one interlocked add per
/// counter touched) and allocation-free. The engine reads the difference between two snapshots.
/// </summary>
internal sealed class VariantCounters
{
    private readonly long[] _latency = new long[LatencyBuckets.Count];
    private long _requests;
    private long _serverErrors;
    private long _connectionFailures;
    private long _timeouts;

    public void Record(RequestOutcome outcome, long elapsedTicks)
    {
        Interlocked.Increment(ref _requests);
        switch (outcome)
        {
            case RequestOutcome.ServerError:
                Interlocked.Increment(ref _serverErrors);
                break;
            case RequestOutcome.ConnectionFailure:
                Interlocked.Increment(ref _connectionFailures);
                break;
            case RequestOutcome.Timeout:
                Interlocked.Increment(ref _timeouts);
                break;
        }

        Interlocked.Increment(ref _latency[LatencyBuckets.IndexOf(elapsedTicks)]);
    }

    /// <summary>The totals now. Counters are read one by one, so a request being recorded may show in some and not yet in others.</summary>
    public VariantCounts Snapshot()
    {
        var latency = new long[_latency.Length];
        for (var i = 0; i < latency.Length; i++)
        {
            latency[i] = Volatile.Read(ref _latency[i]);
        }

        return new VariantCounts(Volatile.Read(ref _requests), Volatile.Read(ref _serverErrors), Volatile.Read(ref _connectionFailures), Volatile.Read(ref _timeouts), latency);
    }
}
