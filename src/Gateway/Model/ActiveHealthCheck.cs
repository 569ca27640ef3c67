namespace Gateway.Model;

/// <summary>
/// Probes every endpoint of a backend with <c>GET Path</c>: an endpoint leaves rotation after
/// <see cref="UnhealthyThreshold"/> failed probes in a row and comes back after <see cref="HealthyThreshold"/> good ones.
/// A probe fails on a connection error, a timeout or a status outside 200-399.
/// </summary>
internal sealed record ActiveHealthCheck
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);
    public const int DefaultHealthyThreshold = 2;
    public const int DefaultUnhealthyThreshold = 3;

    /// <summary>Path (and optional query) probed on each endpoint, e.g. <c>/healthz</c>.</summary>
    public string Path { get; init; } = "/healthz";

    public TimeSpan Interval { get; init; } = DefaultInterval;

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public int HealthyThreshold { get; init; } = DefaultHealthyThreshold;

    public int UnhealthyThreshold { get; init; } = DefaultUnhealthyThreshold;
}
