using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>
/// A named token-bucket limit that routes reference. Each distinct <see cref="Key"/> value gets its own bucket of
/// <see cref="Burst"/> tokens, refilled at <see cref="Rate"/>; a request takes one token or is refused.
/// </summary>
internal sealed record RateLimitPolicy
{
    public const int DefaultStatusCode = 429;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(50);

    public required string Name { get; init; }

    public string Source { get; init; } = "";

    /// <summary>Tokens per period as written, e.g. <c>30/m</c>, <c>5/s</c>, <c>100/h</c>; parsed by <see cref="RateLimitRate"/>.</summary>
    public string Rate { get; init; } = "";

    /// <summary>How many requests a client may send at once after being idle; null means one period's worth of tokens.</summary>
    public int? Burst { get; init; }

    /// <summary>What identifies a client: <c>ip</c>, <c>header:Name</c>, <c>route</c> or a <c>+</c>-joined mix; parsed by <see cref="RateLimitKeySpec"/>.</summary>
    public string Key { get; init; } = RateLimitKeySpec.DefaultText;

    /// <summary>Status of a refused request: 429, or 503 as ingress-nginx answers.</summary>
    public int StatusCode { get; init; } = DefaultStatusCode;

    /// <summary>Requests per key that may wait for a token instead of being refused; 0 (the default) never queues.</summary>
    public int Queue { get; init; }

    public RateLimitMode Mode { get; init; } = RateLimitMode.Local;

    /// <summary>What a global policy does when Redis cannot answer within <see cref="Timeout"/>.</summary>
    public RateLimitFailMode FailMode { get; init; } = RateLimitFailMode.Open;

    /// <summary>How long a global policy waits for Redis before <see cref="FailMode"/> decides; null means 50 ms.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Rates by the caller's plan (API key metadata or a token claim, see auth policies), e.g. <c>free: 10/m</c>,
    /// <c>pro: 600/m</c>; a plan's burst is its rate's tokens. Callers without a listed plan get <see cref="Rate"/>.
    /// </summary>
    public ImmutableDictionary<string, string> Plans { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Client address ranges (CIDRs or addresses) the policy never limits, as ingress-nginx <c>limit-allowlist</c>.</summary>
    public ImmutableArray<string> ExemptSources { get; init; } = [];

    /// <summary>
    /// A second limit every request must also pass, with buckets of its own (ingress-nginx <c>limit-rpm</c> next to
    /// <c>limit-rps</c>): a request is admitted only when both admit. Null for none.
    /// </summary>
    public RateLimitPolicy? Also { get; init; }

    /// <summary>The bucket size in effect: <see cref="Burst"/>, or the rate's tokens per period.</summary>
    public int EffectiveBurst(RateLimitRate rate) => Burst ?? rate.Tokens;
}
