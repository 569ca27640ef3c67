namespace Gateway.Model;

/// <summary>
/// One valid API key, known only by its SHA-256 hash (64 hex digits) so the key itself never appears in
/// configuration, logs or <c>/config</c>. <see cref="Id"/> names the key in headers, logs and limits.
/// </summary>
internal sealed record ApiKeyEntry
{
    public string Id { get; init; } = "";

    [Secret]
    public string Hash { get; init; } = "";

    public string? Tenant { get; init; }

    public string? Plan { get; init; }
}
