namespace Gateway.Observability;

/// <summary>One line of the access log.</summary>
internal readonly record struct AccessLogEntry(
    DateTimeOffset Time,
    string Method,
    string Path,
    string Route,
    string Backend,
    int Status,
    TimeSpan Duration,
    TimeSpan? UpstreamDuration,
    string? ClientIp,
    string? TraceId);
