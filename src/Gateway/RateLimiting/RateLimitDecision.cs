namespace Gateway.RateLimiting;

/// <summary>What a store decided for one request.</summary>
/// <param name="Remaining">Tokens left in the bucket after this request.</param>
/// <param name="Wait">Admitted: how long the request waits in the queue first (zero when not queued). Rejected: how long until a retry can succeed.</param>
/// <param name="UntilFull">How long until the bucket is full again.</param>
internal readonly record struct RateLimitDecision(RateLimitOutcome Outcome, int Remaining, TimeSpan Wait, TimeSpan UntilFull)
{
    public static RateLimitDecision Unavailable { get; } = new(RateLimitOutcome.StoreUnavailable, 0, TimeSpan.Zero, TimeSpan.Zero);
}
