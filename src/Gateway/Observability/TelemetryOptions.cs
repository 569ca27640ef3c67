namespace Gateway.Observability;

/// <summary>Tracing and metrics export: <c>Gateway:Telemetry</c>. OTLP endpoints come from the standard OTEL_EXPORTER_OTLP_* variables.</summary>
internal sealed class TelemetryOptions
{
    /// <summary>Whether the gateway's and ASP.NET Core's metrics are collected (for /metrics and OTLP).</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Whether spans are recorded; unset means "when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces endpoint) is set".</summary>
    public bool? Tracing { get; set; }

    /// <summary>Share of new traces recorded (0-1); a request that arrives inside a sampled trace is always recorded.</summary>
    public double TraceSampleRatio { get; set; } = 0.01;

    public bool TracingEnabled =>
        Tracing ?? (OtlpEndpointSet("OTEL_EXPORTER_OTLP_ENDPOINT") || OtlpEndpointSet("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));

    public static bool OtlpMetricsExport =>
        OtlpEndpointSet("OTEL_EXPORTER_OTLP_ENDPOINT") || OtlpEndpointSet("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");

    public static bool OtlpTracesExport =>
        OtlpEndpointSet("OTEL_EXPORTER_OTLP_ENDPOINT") || OtlpEndpointSet("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");

    public IEnumerable<string> Validate()
    {
        if (TraceSampleRatio is < 0 or > 1 || double.IsNaN(TraceSampleRatio))
        {
            yield return $"Gateway:Telemetry:TraceSampleRatio '{TraceSampleRatio}' must be between 0 and 1";
        }
    }

    private static bool OtlpEndpointSet(string variable) => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));
}
