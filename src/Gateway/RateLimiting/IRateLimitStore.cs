namespace Gateway.RateLimiting;

/// <summary>Where a policy's buckets live: this process (<see cref="LocalRateLimitStore"/>) or Redis (<see cref="RedisRateLimitStore"/>).</summary>
internal interface IRateLimitStore
{
    /// <summary>Takes a token from <paramref name="key"/>'s bucket. Completes synchronously for the local store.</summary>
    ValueTask<RateLimitDecision> AcquireAsync(BucketKey key, RateLimitRule rule);

    /// <summary>A token budget's admission: whether <paramref name="key"/>'s budget is positive, taking nothing.</summary>
    ValueTask<RateLimitDecision> CheckAsync(BucketKey key, RateLimitRule rule);

    /// <summary>Charges <paramref name="tokens"/> to <paramref name="key"/>'s budget, into debt if need be; false when the store could not.</summary>
    ValueTask<bool> ChargeAsync(BucketKey key, RateLimitRule rule, long tokens);
}
