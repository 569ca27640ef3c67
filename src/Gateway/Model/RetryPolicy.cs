using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>
/// Retries of a route's requests on another endpoint of the same backend. Only GET, HEAD and OPTIONS are retried unless
/// <see cref="AllMethods"/> is set, and never once the request body has been sent.
/// </summary>
internal sealed record RetryPolicy
{
    public const int DefaultAttempts = 2;
    public static readonly ImmutableArray<int> DefaultStatuses = [502, 503, 504];

    /// <summary>Attempts in total, the first included; 2 means one retry.</summary>
    public int Attempts { get; init; } = DefaultAttempts;

    /// <summary>Backend statuses that are retried, besides connection failures.</summary>
    public ImmutableArray<int> Statuses { get; init; } = DefaultStatuses;

    /// <summary>The route is safe to retry whatever the method (e.g. an idempotent POST /predict).</summary>
    public bool AllMethods { get; init; }

    /// <summary>How long one attempt may wait for its response to start; a slower one is abandoned for another endpoint (the last gets 504). Null waits.</summary>
    public TimeSpan? PerTryTimeout { get; init; }
}
