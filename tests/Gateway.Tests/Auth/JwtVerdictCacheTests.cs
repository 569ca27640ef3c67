using Gateway.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Auth;

public sealed class JwtVerdictCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static readonly AuthResult Allowed = AuthResult.Allowed(new AuthIdentity("p", "user-1", null, null, null));

    [Fact]
    public void Verdict_lasts_at_most_the_max_age()
    {
        var cache = new JwtVerdictCache(_time);
        var hash = TokenHash.Of("token-a");
        cache.Add(hash, Allowed, _time.GetUtcNow().AddHours(1));

        Assert.True(cache.TryGet(hash, out var result));
        Assert.Equal("user-1", result.Identity!.Subject);
        Assert.False(cache.TryGet(TokenHash.Of("token-b"), out _));
        _time.Advance(JwtVerdictCache.MaxAge - TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGet(hash, out _));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(cache.TryGet(hash, out _));
    }

    [Fact]
    public void Verdict_never_outlives_the_token()
    {
        var cache = new JwtVerdictCache(_time);
        var hash = TokenHash.Of("token-a");
        cache.Add(hash, Allowed, _time.GetUtcNow().AddSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.False(cache.TryGet(hash, out _));

        cache.Add(hash, Allowed, _time.GetUtcNow().AddSeconds(-1));
        Assert.False(cache.TryGet(hash, out _));
    }

    [Fact]
    public void A_full_cache_starts_afresh_instead_of_growing()
    {
        var cache = new JwtVerdictCache(_time, capacity: 3);
        for (var i = 0; i < 3; i++)
        {
            cache.Add(TokenHash.Of($"t{i}"), Allowed, _time.GetUtcNow().AddHours(1));
        }

        Assert.True(cache.TryGet(TokenHash.Of("t0"), out _));
        cache.Add(TokenHash.Of("t3"), Allowed, _time.GetUtcNow().AddHours(1));
        Assert.False(cache.TryGet(TokenHash.Of("t0"), out _));
        Assert.True(cache.TryGet(TokenHash.Of("t3"), out _));
    }
}
