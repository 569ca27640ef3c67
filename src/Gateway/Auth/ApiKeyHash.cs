using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Auth;

/// <summary>SHA-256 of an API key's UTF-8 bytes, the form in which keys are configured and compared.</summary>
internal static class ApiKeyHash
{
    public const int Size = SHA256.HashSizeInBytes;

    private const int StackLimit = 512;

    public static void Compute(ReadOnlySpan<char> key, Span<byte> hash)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var length = 0;
        try
        {
            length = Encoding.UTF8.GetBytes(key, buffer);
            SHA256.HashData(buffer[..length], hash);
        }
        finally
        {
            // The key must not linger in memory that is reused later.
            CryptographicOperations.ZeroMemory(buffer[..length]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The hex text of a configured hash as bytes; the validator has checked it is 64 hex digits.</summary>
    public static byte[] Parse(string hex) => Convert.FromHexString(hex);
}
