namespace Gateway.Rollout;

/// <summary>One check of a step: what was measured, the bound it was held to, and whether it passed.</summary>
/// <param name="Name">error_rate, error_rate_ratio, p99_latency or p99_latency_ratio, as in metrics.</param>
/// <param name="Text">The numbers in words, for logs, Events and the <c>/routes</c> page.</param>
internal sealed record RolloutCheck(string Name, double Value, double Bound, bool Passed, string Text);
