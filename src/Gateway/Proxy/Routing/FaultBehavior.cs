using Gateway.Model;

namespace Gateway.Proxy.Routing;

/// <summary>A route's <see cref="FaultInjection"/> for the hot path: the draws that decide whether a request is delayed or aborted.</summary>
internal sealed class FaultBehavior(FaultInjection fault)
{
    public TimeSpan? Delay { get; } = fault.Delay;

    public int? AbortStatus { get; } = fault.AbortStatus;

    /// <summary>Whether this request is delayed by <see cref="Delay"/>.</summary>
    public bool DrawDelay(Random random) => Delay is not null && Draw(fault.DelayPercent, random);

    /// <summary>Whether this request is answered with <see cref="AbortStatus"/> instead of being forwarded.</summary>
    public bool DrawAbort(Random random) => AbortStatus is not null && Draw(fault.AbortPercent, random);

    private static bool Draw(double percent, Random random) => percent >= 100 || (percent > 0 && random.NextDouble() * 100 < percent);
}
