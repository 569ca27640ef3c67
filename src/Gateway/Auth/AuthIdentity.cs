namespace Gateway.Auth;

/// <summary>
/// Who an authenticated request comes from, set as a request feature for later steps (rate limiting by identity,
/// access log) and sent to the backend in the policy's identity headers.
/// </summary>
internal sealed class AuthIdentity(string policy, string subject, string? keyId, string? tenant, string? plan)
{
    public string Policy { get; } = policy;

    /// <summary>The API key's id, or the token's subject.</summary>
    public string Subject { get; } = subject;

    public string? KeyId { get; } = keyId;

    public string? Tenant { get; } = tenant;

    public string? Plan { get; } = plan;

    /// <summary>The rate-limit bucket key part: one bucket per API key or per token subject, never shared between the two kinds.</summary>
    public string RateLimitKey { get; } = keyId is null ? $"sub:{subject}" : $"key:{keyId}";
}
