namespace Gateway.Observability;

/// <summary>
/// Requests and 5xx answers of one route over the last minute, in one-second buckets, for the <c>/routes</c> page.
/// Lock-free and approximate: a bucket being recycled may lose a count, which a human-facing rate tolerates.
/// </summary>
internal sealed class RouteStats
{
    private const int Seconds = 60;

    private readonly long[] _stamps = new long[Seconds];
    private readonly long[] _requests = new long[Seconds];
    private readonly long[] _errors = new long[Seconds];

    public void Record(long nowSeconds, bool isError)
    {
        var slot = (int)(nowSeconds % Seconds);
        if (Volatile.Read(ref _stamps[slot]) != nowSeconds)
        {
            Volatile.Write(ref _requests[slot], 0);
            Volatile.Write(ref _errors[slot], 0);
            Volatile.Write(ref _stamps[slot], nowSeconds);
        }

        Interlocked.Increment(ref _requests[slot]);
        if (isError)
        {
            Interlocked.Increment(ref _errors[slot]);
        }
    }

    /// <summary>Requests and errors per second, averaged over the last minute.</summary>
    public (double RequestsPerSecond, double ErrorsPerSecond) Rates(long nowSeconds)
    {
        long requests = 0;
        long errors = 0;
        for (var slot = 0; slot < Seconds; slot++)
        {
            var age = nowSeconds - Volatile.Read(ref _stamps[slot]);
            if (age is >= 0 and < Seconds)
            {
                requests += Volatile.Read(ref _requests[slot]);
                errors += Volatile.Read(ref _errors[slot]);
            }
        }

        return (requests / (double)Seconds, errors / (double)Seconds);
    }
}
