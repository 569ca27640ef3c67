namespace Gateway.StreamingLoad;

/// <summary>One way to reach the model servers: a client for completions, one for the long stream, and the proxy process in between (none when direct).</summary>
internal sealed record Contender(string Name, HttpClient Completions, HttpClient Streams, GatewayProcess? Gateway);
