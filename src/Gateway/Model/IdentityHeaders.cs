namespace Gateway.Model;

/// <summary>Names of the request headers that tell the backend who the caller is; an empty name sends nothing.</summary>
internal sealed record IdentityHeaders
{
    public static IdentityHeaders Default { get; } = new();

    /// <summary>The API key's id, or the token's subject claim.</summary>
    public string Subject { get; init; } = "X-Auth-Subject";

    /// <summary>The API key's id (API-key policies only).</summary>
    public string KeyId { get; init; } = "X-Auth-Key-Id";

    public string Tenant { get; init; } = "X-Auth-Tenant";

    public string Plan { get; init; } = "X-Auth-Plan";
}
