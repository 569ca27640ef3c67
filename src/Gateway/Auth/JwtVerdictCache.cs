using System.Collections.Concurrent;

namespace Gateway.Auth;

/// <summary>
/// Remembers, by hash, verdicts on tokens whose signature, issuer and audience checked out, so a client sending the
/// same token again skips parsing and signature verification. An entry lasts at most <see cref="MaxAge"/> and never
/// past the token's expiry (plus skew); the cache belongs to one policy version, so a reload starts afresh. When full
/// it is emptied rather than tracking recency, keeping hits lock-free and allocation-free.
/// </summary>
internal sealed class JwtVerdictCache(TimeProvider time, int capacity = JwtVerdictCache.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<TokenHash, CachedVerdict> _entries = new();
    private int _count;

    public bool TryGet(TokenHash hash, out AuthResult result)
    {
        if (_entries.TryGetValue(hash, out var entry) && time.GetTimestamp() < entry.Until)
        {
            result = entry.Result;
            return true;
        }

        result = default;
        return false;
    }

    /// <param name="validUntil">When the token stops being acceptable: its expiry plus the clock skew.</param>
    public void Add(TokenHash hash, AuthResult result, DateTimeOffset validUntil)
    {
        var now = time.GetUtcNow();
        var age = validUntil - now < MaxAge ? validUntil - now : MaxAge;
        if (age <= TimeSpan.Zero)
        {
            return;
        }

        if (Interlocked.Increment(ref _count) > capacity)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _entries[hash] = new CachedVerdict(result, time.GetTimestamp() + (long)(age.TotalSeconds * time.TimestampFrequency));
    }
}
