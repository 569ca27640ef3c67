namespace Gateway.RateLimiting;

/// <summary>Where a policy's buckets live: this process (<see cref="LocalRateLimitStore"/>) or Redis (<see cref="RedisRateLimitStore"/>).</summary>
internal interface IRateLimitStore
{
    /// <summary>Takes a token from <paramref name="key"/>'s bucket. Completes synchronously for the local store.</summary>
    ValueTask<RateLimitDecision> AcquireAsync(BucketKey key, RateLimitRule rule);
}
