using System.Buffers.Binary;
using System.Security.Cryptography;
using Gateway.Model;

namespace Gateway.Auth;

/// <summary>
/// Finds the configured key a presented API key hashes to, without allocating.
/// </summary>
/// <remarks>
/// Timing: the table is indexed by the first 8 bytes of the SHA-256 of the key, and candidates are confirmed with
/// <see cref="CryptographicOperations.FixedTimeEquals"/> on the whole hash. A lookup's timing can only depend on the
/// hash of what the caller sent, so at best it tells an attacker whether their guess's hash shares a prefix with a
/// stored hash. Comparing plaintext keys would leak the key byte by byte; knowing bits of a SHA-256 output does not
/// help find its input, so probing the table by timing gives nothing usable.
/// </remarks>
internal sealed class ApiKeyTable
{
    private readonly Dictionary<ulong, ApiKeyRecord[]> _byPrefix = [];

    public ApiKeyTable(string policy, IEnumerable<ApiKeyEntry> entries)
    {
        foreach (var entry in entries)
        {
            var hash = ApiKeyHash.Parse(entry.Hash);
            var record = new ApiKeyRecord(hash, new AuthIdentity(policy, entry.Id, entry.Id, entry.Tenant, entry.Plan));
            var prefix = BinaryPrimitives.ReadUInt64LittleEndian(hash);
            _byPrefix[prefix] = _byPrefix.TryGetValue(prefix, out var others) ? [.. others, record] : [record];
        }
    }

    public ApiKeyRecord? Find(ReadOnlySpan<char> key)
    {
        Span<byte> hash = stackalloc byte[ApiKeyHash.Size];
        ApiKeyHash.Compute(key, hash);
        if (!_byPrefix.TryGetValue(BinaryPrimitives.ReadUInt64LittleEndian(hash), out var candidates))
        {
            return null;
        }

        foreach (var candidate in candidates)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate.Hash, hash))
            {
                return candidate;
            }
        }

        return null;
    }
}
