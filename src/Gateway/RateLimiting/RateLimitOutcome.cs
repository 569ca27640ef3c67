namespace Gateway.RateLimiting;

internal enum RateLimitOutcome
{
    /// <summary>A token was taken; the request goes on, after <see cref="RateLimitDecision.Wait"/> when it was queued.</summary>
    Admitted,

    /// <summary>No token and no room in the queue.</summary>
    Rejected,

    /// <summary>The store (Redis) did not answer in time; the policy's fail mode decides.</summary>
    StoreUnavailable,
}
