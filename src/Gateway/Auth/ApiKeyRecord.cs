namespace Gateway.Auth;

/// <summary>A configured key's hash and the identity it stands for, built once per configuration.</summary>
internal sealed class ApiKeyRecord(byte[] hash, AuthIdentity identity)
{
    public byte[] Hash { get; } = hash;

    public AuthIdentity Identity { get; } = identity;
}
