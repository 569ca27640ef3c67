namespace Gateway.Model;

/// <summary>How an auth policy recognises a caller.</summary>
internal enum AuthPolicyType
{
    ApiKey,
    Jwt,
}
