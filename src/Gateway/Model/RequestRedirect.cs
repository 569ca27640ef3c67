namespace Gateway.Model;

/// <summary>Answers the client with a redirect instead of forwarding. Unset parts keep the request's value.</summary>
internal sealed record RequestRedirect
{
    public string? Scheme { get; init; }

    public string? Hostname { get; init; }

    public int? Port { get; init; }

    public PathRewrite? Path { get; init; }

    public int StatusCode { get; init; } = 302;
}
