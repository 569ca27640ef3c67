namespace Gateway.Observability;

/// <summary>One line of the access log. <c>Caller</c> is the authenticated API key id or token subject, never a credential.</summary>
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
    string? TraceId,
    string? Caller = null);
