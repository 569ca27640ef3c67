using System.Collections.Concurrent;

namespace Gateway.RateLimiting;

/// <summary>
/// A policy's buckets in this process. Looking up a known key takes no lock and allocates nothing; a timer drops full
/// buckets, which changes no decision, so memory follows the keys active within one refill time. Past
/// <c>maxKeys</c> buckets, new keys share one overflow bucket instead of growing memory further.
/// </summary>
internal sealed class LocalRateLimitStore : IRateLimitStore, IDisposable
{
    private readonly ConcurrentDictionary<BucketKey, TokenBucket> _buckets = new();
    private readonly TimeProvider _timeProvider;
    private readonly long _frequency;
    private readonly int _maxKeys;
    private readonly TokenBucket _overflow;
    private readonly ITimer _evictionTimer;
    private int _count;

    public LocalRateLimitStore(TimeProvider timeProvider, int maxKeys, TimeSpan evictionInterval)
    {
        _timeProvider = timeProvider;
        _frequency = timeProvider.TimestampFrequency;
        _maxKeys = maxKeys;
        _overflow = new TokenBucket(timeProvider.GetTimestamp());
        _evictionTimer = timeProvider.CreateTimer(static state => ((LocalRateLimitStore)state!).EvictFull(), this, evictionInterval, evictionInterval);
    }

    /// <summary>Buckets held now.</summary>
    public int Count => Volatile.Read(ref _count);

    public ValueTask<RateLimitDecision> AcquireAsync(BucketKey key, RateLimitRule rule) => new(Acquire(key, rule));

    public RateLimitDecision Acquire(BucketKey key, RateLimitRule rule)
    {
        var now = _timeProvider.GetTimestamp();
        while (true)
        {
            var bucket = Find(key, now);
            if (bucket.TryTake(now, rule.IntervalTimestamp, rule.Burst, rule.Queue, _frequency, out var decision))
            {
                return decision;
            }

            Forget(key, bucket);
        }
    }

    public ValueTask<RateLimitDecision> CheckAsync(BucketKey key, RateLimitRule rule) => new(Check(key, rule));

    public RateLimitDecision Check(BucketKey key, RateLimitRule rule)
    {
        var now = _timeProvider.GetTimestamp();
        while (true)
        {
            var bucket = Find(key, now);
            if (bucket.TryCheck(now, rule.IntervalTimestamp, rule.Burst, _frequency, out var decision))
            {
                return decision;
            }

            Forget(key, bucket);
        }
    }

    public ValueTask<bool> ChargeAsync(BucketKey key, RateLimitRule rule, long tokens)
    {
        Charge(key, rule, tokens);
        return new(true);
    }

    public void Charge(BucketKey key, RateLimitRule rule, long tokens)
    {
        var now = _timeProvider.GetTimestamp();
        while (true)
        {
            var bucket = Find(key, now);
            if (bucket.TryCharge(now, rule.IntervalTimestamp, tokens))
            {
                return;
            }

            Forget(key, bucket);
        }
    }

    // Evicted between lookup and use: it was full, so a fresh bucket is the same bucket.
    private void Forget(BucketKey key, TokenBucket bucket)
    {
        if (_buckets.TryRemove(new KeyValuePair<BucketKey, TokenBucket>(key, bucket)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private TokenBucket Find(BucketKey key, long now)
    {
        if (_buckets.TryGetValue(key, out var bucket))
        {
            return bucket;
        }

        if (Volatile.Read(ref _count) >= _maxKeys)
        {
            return _overflow;
        }

        var created = new TokenBucket(now);
        if (_buckets.TryAdd(key, created))
        {
            Interlocked.Increment(ref _count);
            return created;
        }

        return _buckets.TryGetValue(key, out bucket) ? bucket : created;
    }

    /// <summary>Drops every bucket that is full now.</summary>
    public void EvictFull()
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.TryEvict(now) && _buckets.TryRemove(new KeyValuePair<BucketKey, TokenBucket>(key, bucket)))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    public void Dispose() => _evictionTimer.Dispose();
}
