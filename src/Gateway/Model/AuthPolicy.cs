namespace Gateway.Model;

/// <summary>
/// A named way of authenticating callers that routes reference (a route naming several accepts any of them).
/// Exactly one of <see cref="ApiKey"/> and <see cref="Jwt"/> is set, matching <see cref="Type"/>.
/// </summary>
internal sealed record AuthPolicy
{
    /// <summary>A route naming this reserved word, or no policy at all, is open to anonymous callers.</summary>
    public const string None = "none";

    public required string Name { get; init; }

    public string Source { get; init; } = "";

    public AuthPolicyType? Type { get; init; }

    public ApiKeyAuth? ApiKey { get; init; }

    public JwtAuth? Jwt { get; init; }

    /// <summary>Whether the credential (Authorization header, API-key header or query parameter) reaches the backend; stripped by default.</summary>
    public bool ForwardCredentials { get; init; }

    /// <summary>Request headers that carry the caller's identity to the backend; client-sent copies are always removed.</summary>
    public IdentityHeaders Headers { get; init; } = IdentityHeaders.Default;
}
