using Gateway.Auth;
using Gateway.Model;

namespace Gateway.Tests.Auth;

public sealed class ApiKeyTableTests
{
    // printf %s abc | sha256sum
    private const string AbcHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Hash_is_sha256_of_the_utf8_key_as_sha256sum_prints_it()
    {
        Span<byte> hash = stackalloc byte[ApiKeyHash.Size];
        ApiKeyHash.Compute("abc", hash);
        Assert.Equal(AbcHash, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Long_keys_hash_the_same_as_short_ones_would()
    {
        var key = new string('k', 5_000) + "é";
        Span<byte> hash = stackalloc byte[ApiKeyHash.Size];
        ApiKeyHash.Compute(key, hash);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))), Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Finds_the_key_whose_hash_is_configured_and_nothing_else()
    {
        var table = new ApiKeyTable("p",
        [
            new ApiKeyEntry { Id = "abc-key", Hash = AbcHash.ToUpperInvariant(), Tenant = "acme", Plan = "free" },
            new ApiKeyEntry { Id = "other", Hash = new string('0', 64) },
        ]);

        var found = table.Find("abc");
        Assert.NotNull(found);
        Assert.Equal("abc-key", found.Identity.KeyId);
        Assert.Equal("abc-key", found.Identity.Subject);
        Assert.Equal("acme", found.Identity.Tenant);
        Assert.Equal("free", found.Identity.Plan);
        Assert.Equal("p", found.Identity.Policy);
        Assert.Equal("key:abc-key", found.Identity.RateLimitKey);

        Assert.Null(table.Find("abd"));
        Assert.Null(table.Find("ABC"));
        Assert.Null(table.Find(AbcHash));
        Assert.Null(table.Find(""));
    }
}
