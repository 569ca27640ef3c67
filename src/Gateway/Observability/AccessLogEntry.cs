namespace Gateway.Observability;

/// <summary>
/// One line of the access log. <c>Caller</c> is the authenticated API key id or token subject, never a credential;
/// <c>Model</c> is the model a JSON body asked for and <c>ModelVariant</c> the one a model canary served it with;
/// <c>PromptTokens</c> and <c>CompletionTokens</c> are the usage the model server reported, when it did.
/// </summary>
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
    string? Caller = null,
    string? Model = null,
    string? ModelVariant = null,
    long? PromptTokens = null,
    long? CompletionTokens = null);
