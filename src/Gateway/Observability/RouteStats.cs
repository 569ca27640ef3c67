namespace Gateway.Observability;

/// <summary>
/// Requests and 5xx answers of one route over the last minute, in one-second buckets, for the <c>/routes</c> page.
/// Lock-free and approximate: a bucket being recycled may lose a count, which a human-facing rate tolerates.
/// </summary>
/// <remarks>
/// The buckets are allocated on the first request: with thousands of discovered Services most routes may never see one,
/// and 1.4 KB per route would then be 14 MB per 10,000 routes for nothing.
/// </remarks>
internal sealed class RouteStats
{
    private const int Seconds = 60;

    // Per one-second slot: the second it counts, its requests, its errors.
    private const int Stamp = 0;
    private const int Requests = 1;
    private const int Errors = 2;
    private const int Width = 3;

    private long[]? _buckets;

    public void Record(long nowSeconds, bool isError)
    {
        var buckets = Volatile.Read(ref _buckets) ?? Allocate();
        var slot = (int)(nowSeconds % Seconds) * Width;
        if (Volatile.Read(ref buckets[slot + Stamp]) != nowSeconds)
        {
            Volatile.Write(ref buckets[slot + Requests], 0);
            Volatile.Write(ref buckets[slot + Errors], 0);
            Volatile.Write(ref buckets[slot + Stamp], nowSeconds);
        }

        Interlocked.Increment(ref buckets[slot + Requests]);
        if (isError)
        {
            Interlocked.Increment(ref buckets[slot + Errors]);
        }
    }

    /// <summary>Requests and errors per second, averaged over the last minute.</summary>
    public (double RequestsPerSecond, double ErrorsPerSecond) Rates(long nowSeconds)
    {
        if (Volatile.Read(ref _buckets) is not { } buckets)
        {
            return (0, 0);
        }

        long requests = 0;
        long errors = 0;
        for (var slot = 0; slot < Seconds * Width; slot += Width)
        {
            var age = nowSeconds - Volatile.Read(ref buckets[slot + Stamp]);
            if (age is >= 0 and < Seconds)
            {
                requests += Volatile.Read(ref buckets[slot + Requests]);
                errors += Volatile.Read(ref buckets[slot + Errors]);
            }
        }

        return (requests / (double)Seconds, errors / (double)Seconds);
    }

    private long[] Allocate() => Interlocked.CompareExchange(ref _buckets, new long[Seconds * Width], null) ?? _buckets!;
}
