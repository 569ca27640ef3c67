namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Exponential backoff with "equal jitter": the n-th delay lies in [d/2, d] where d = min(max, initial * 2^n), so
/// replicas that lost the API server together do not all come back in the same instant.
/// </summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan maximum, Random random)
{
    private int _attempt;

    public static TimeSpan DefaultInitial { get; } = TimeSpan.FromMilliseconds(200);

    public static TimeSpan DefaultMaximum { get; } = TimeSpan.FromSeconds(30);

    public TimeSpan Next()
    {
        var ceiling = Math.Min(maximum.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30)));
        _attempt++;
        return TimeSpan.FromMilliseconds((ceiling / 2) + (random.NextDouble() * ceiling / 2));
    }

    public void Reset() => _attempt = 0;
}
