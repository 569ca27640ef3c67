namespace Gateway.Model;

/// <summary>
/// How a <see cref="LoadBalancingMode.LoadAware"/> backend reads its model servers' load, when an endpoint is saturated,
/// and how long requests may wait at the gateway while every endpoint is.
/// </summary>
internal sealed record LoadAwareSettings
{
    public const string DefaultCriticalityHeader = "x-gateway-inference-objective";

    // Before Default: static initialisers run in declaration order.
    public static readonly TimeSpan DefaultScrapeInterval = TimeSpan.FromSeconds(1);

    public static LoadAwareSettings Default { get; } = new();

    /// <summary>The path of each endpoint's Prometheus metrics (vLLM, TGI and Triton all serve <c>/metrics</c>).</summary>
    public string MetricsPath { get; init; } = "/metrics";

    /// <summary>The port of the metrics, when not the endpoint's own (Triton serves them on 8002); null uses the endpoint's.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>How often every endpoint's metrics are read.</summary>
    public TimeSpan ScrapeInterval { get; init; } = DefaultScrapeInterval;

    /// <summary>Intervals after which an endpoint's last reading is ignored and only the gateway's in-flight count is used.</summary>
    public int StaleAfterIntervals { get; init; } = 3;

    /// <summary>Requests waiting in an endpoint's own queue at which it counts as saturated.</summary>
    public int MaxQueueDepth { get; init; } = 5;

    /// <summary>KV-cache usage (0 to 1) at which an endpoint counts as saturated.</summary>
    public double MaxKvCacheUsage { get; init; } = 0.95;

    /// <summary>Requests that may wait at the gateway while every endpoint is saturated; 0 refuses at once.</summary>
    public int MaxQueued { get; init; } = 100;

    /// <summary>How long a Standard request may wait at the gateway before 503.</summary>
    public TimeSpan MaxQueueWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a Critical request may wait at the gateway before 503.</summary>
    public TimeSpan CriticalMaxQueueWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The request header that carries the criticality (<c>Critical</c>, <c>Standard</c>, <c>Sheddable</c> or a priority number).</summary>
    public string CriticalityHeader { get; init; } = DefaultCriticalityHeader;

    /// <summary>How long a reading stays usable.</summary>
    public TimeSpan StaleAfter => ScrapeInterval * StaleAfterIntervals;
}
