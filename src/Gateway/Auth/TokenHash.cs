using System.Buffers.Binary;

namespace Gateway.Auth;

/// <summary>A SHA-256 digest as a value, so a cache can key on a token without keeping or comparing the token text.</summary>
internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
{
    public static TokenHash Of(ReadOnlySpan<char> token)
    {
        Span<byte> hash = stackalloc byte[ApiKeyHash.Size];
        ApiKeyHash.Compute(token, hash);
        return new TokenHash(
            BinaryPrimitives.ReadUInt64LittleEndian(hash),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
    }
}
