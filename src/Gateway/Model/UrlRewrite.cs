namespace Gateway.Model;

/// <summary>Rewrites the request before it is forwarded.</summary>
internal sealed record UrlRewrite
{
    public PathRewrite? Path { get; init; }

    /// <summary>Host header sent to the backend instead of the client's.</summary>
    public string? Hostname { get; init; }
}
