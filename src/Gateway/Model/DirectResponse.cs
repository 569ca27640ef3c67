namespace Gateway.Model;

/// <summary>A fixed answer the gateway gives itself instead of forwarding.</summary>
/// <param name="StatusCode">The HTTP status, 200-599.</param>
/// <param name="Body">The response body as text, sent as <c>text/plain</c>; null sends none.</param>
internal sealed record DirectResponse(int StatusCode, string? Body = null);
