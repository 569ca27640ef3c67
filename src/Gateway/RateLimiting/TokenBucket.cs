namespace Gateway.RateLimiting;

/// <summary>
/// One key's token bucket, kept as a single timestamp so it updates lock-free with one compare-and-swap: the
/// "theoretical arrival time" of GCRA, which is the moment the bucket is full again. A bucket whose time has passed is
/// full, which is also how a key that has never been seen starts, so a full bucket can be dropped without changing any
/// decision.
/// </summary>
internal sealed class TokenBucket(long createdAt)
{
    /// <summary>Marks a bucket that eviction removed; a request that finds it looks the key up again.</summary>
    private const long Evicted = long.MinValue;

    private long _fullAt = createdAt;

    /// <summary>Takes one token at <paramref name="now"/>; false when the bucket was evicted meanwhile.</summary>
    public bool TryTake(long now, long interval, int burst, int queue, long frequency, out RateLimitDecision decision)
    {
        var burstSpan = burst * interval;
        var limitSpan = burstSpan + (queue * interval);
        while (true)
        {
            var fullAt = Volatile.Read(ref _fullAt);
            if (fullAt == Evicted)
            {
                decision = default;
                return false;
            }

            var start = Math.Max(fullAt, now);
            var ahead = start + interval - now;
            if (ahead > limitSpan)
            {
                decision = new RateLimitDecision(RateLimitOutcome.Rejected, 0, Span(ahead - limitSpan, frequency), Span(start - now, frequency));
                return true;
            }

            if (Interlocked.CompareExchange(ref _fullAt, start + interval, fullAt) == fullAt)
            {
                var remaining = ahead <= burstSpan ? (int)((burstSpan - ahead) / interval) : 0;
                var wait = ahead > burstSpan ? Span(ahead - burstSpan, frequency) : TimeSpan.Zero;
                decision = new RateLimitDecision(RateLimitOutcome.Admitted, remaining, wait, Span(ahead, frequency));
                return true;
            }
        }
    }

    /// <summary>
    /// A token budget's admission: whether at least one token is left at <paramref name="now"/>, taking nothing (the
    /// request is charged by <see cref="TryCharge"/> when its cost is known). False when the bucket was evicted meanwhile.
    /// </summary>
    public bool TryCheck(long now, long interval, int burst, long frequency, out RateLimitDecision decision)
    {
        var fullAt = Volatile.Read(ref _fullAt);
        if (fullAt == Evicted)
        {
            decision = default;
            return false;
        }

        var ahead = Math.Max(fullAt, now) - now;
        var positiveSpan = (burst - 1) * interval;
        decision = ahead <= positiveSpan
            ? new RateLimitDecision(RateLimitOutcome.Admitted, (int)((burst * interval - ahead) / interval), TimeSpan.Zero, Span(ahead, frequency))
            : new RateLimitDecision(RateLimitOutcome.Rejected, 0, Span(ahead - positiveSpan, frequency), Span(ahead, frequency));
        return true;
    }

    /// <summary>
    /// Takes <paramref name="tokens"/> at <paramref name="now"/>, however many are left: a budget may go into debt, which
    /// refills before the next request is admitted. False when the bucket was evicted meanwhile.
    /// </summary>
    public bool TryCharge(long now, long interval, long tokens)
    {
        while (true)
        {
            var fullAt = Volatile.Read(ref _fullAt);
            if (fullAt == Evicted)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _fullAt, Math.Max(fullAt, now) + (tokens * interval), fullAt) == fullAt)
            {
                return true;
            }
        }
    }

    /// <summary>Marks the bucket evicted if it is full at <paramref name="now"/>.</summary>
    public bool TryEvict(long now)
    {
        var fullAt = Volatile.Read(ref _fullAt);
        return fullAt != Evicted && fullAt <= now && Interlocked.CompareExchange(ref _fullAt, Evicted, fullAt) == fullAt;
    }

    private static TimeSpan Span(long timestamps, long frequency) =>
        TimeSpan.FromTicks((long)((double)timestamps * TimeSpan.TicksPerSecond / frequency));
}
