namespace Gateway.Model;

/// <summary>
/// Faults injected into a share of a route's requests, to test how clients cope: a delay before forwarding and an abort
/// answered by the gateway itself. Each percentage (0-100) is drawn independently per request; a delayed request may
/// still be aborted, as in Istio.
/// </summary>
internal sealed record FaultInjection
{
    public TimeSpan? Delay { get; init; }

    public double DelayPercent { get; init; } = 100;

    /// <summary>Status answered instead of forwarding; null aborts nothing.</summary>
    public int? AbortStatus { get; init; }

    public double AbortPercent { get; init; } = 100;
}
