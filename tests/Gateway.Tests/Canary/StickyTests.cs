using Gateway.Model;
using static Gateway.Tests.Canary.CanaryTestRoutes;

namespace Gateway.Tests.Canary;

public sealed class StickyTests
{
    private const int Users = 10_000;
    private static readonly CanaryPolicy ByHeader = new() { Backend = "v2", Header = "X-Canary", StickyHeader = "X-User-Id" };

    private static string VariantOf(Gateway.Canary.CanaryTable table, string user, int seed = 0) =>
        table.Select(Request(("X-User-Id", user)), new Random(seed), null).Name;

    [Fact]
    public void A_user_always_gets_the_same_variant_whatever_the_random_draw()
    {
        var table = Table(ByHeader, ("v1", 50), ("v2", 50));
        var rebuilt = Table(ByHeader, ("v1", 50), ("v2", 50));

        for (var user = 0; user < 500; user++)
        {
            var first = VariantOf(table, $"user-{user}", seed: 1);
            for (var seed = 2; seed < 6; seed++)
            {
                Assert.Equal(first, VariantOf(table, $"user-{user}", seed));
            }

            Assert.Equal(first, VariantOf(rebuilt, $"user-{user}", seed: 99));
        }
    }

    [Theory]
    [InlineData(90, 10)]
    [InlineData(50, 50)]
    [InlineData(1, 3)]
    [InlineData(700, 300)]
    public void Users_spread_over_the_variants_by_weight_within_2_points(int stable, int canary)
    {
        var table = Table(ByHeader, ("v1", stable), ("v2", canary));

        var inCanary = Enumerable.Range(0, Users).Count(u => VariantOf(table, $"user-{u}") == "v2");

        var expected = 100.0 * canary / (stable + canary);
        Assert.InRange(100.0 * inCanary / Users, expected - 2, expected + 2);
    }

    [Fact]
    public void A_weight_0_variant_gets_no_sticky_user()
    {
        var table = Table(ByHeader, ("v1", 100), ("v2", 0));

        Assert.DoesNotContain(Enumerable.Range(0, Users), u => VariantOf(table, $"user-{u}") == "v2");
    }

    [Theory]
    [InlineData(90, 10, 80, 20)]
    [InlineData(99, 1, 90, 10)]
    [InlineData(9, 1, 9, 2)]
    [InlineData(50, 50, 0, 100)]
    public void Raising_the_canary_weight_moves_users_only_into_the_canary(int stableBefore, int canaryBefore, int stableAfter, int canaryAfter)
    {
        var before = Table(ByHeader, ("v1", stableBefore), ("v2", canaryBefore));
        var after = Table(ByHeader, ("v1", stableAfter), ("v2", canaryAfter));

        var moved = 0;
        for (var u = 0; u < Users; u++)
        {
            var was = VariantOf(before, $"user-{u}");
            var now = VariantOf(after, $"user-{u}");
            Assert.False(was == "v2" && now == "v1", $"user-{u} moved back from the canary to stable");
            moved += was != now ? 1 : 0;
        }

        var expectedMoved = 100.0 * canaryAfter / (stableAfter + canaryAfter) - 100.0 * canaryBefore / (stableBefore + canaryBefore);
        Assert.InRange(100.0 * moved / Users, expectedMoved - 2, expectedMoved + 2);
    }

    [Fact]
    public void Lowering_the_canary_weight_moves_users_only_back_to_stable()
    {
        var before = Table(ByHeader, ("v1", 80), ("v2", 20));
        var after = Table(ByHeader, ("v1", 90), ("v2", 10));

        for (var u = 0; u < Users; u++)
        {
            Assert.False(VariantOf(before, $"user-{u}") == "v1" && VariantOf(after, $"user-{u}") == "v2", $"user-{u} moved into the canary");
        }
    }

    [Fact]
    public void Reordering_the_backends_moves_no_user()
    {
        var table = Table(ByHeader, ("v1", 70), ("v2", 30));
        var reordered = Table(ByHeader, ("v2", 30), ("v1", 70));

        Assert.All(Enumerable.Range(0, 2_000), u => Assert.Equal(VariantOf(table, $"user-{u}"), VariantOf(reordered, $"user-{u}")));
    }

    [Fact]
    public void A_sticky_cookie_keys_the_split_like_a_header()
    {
        var byCookie = Table(new CanaryPolicy { StickyCookie = "uid" }, ("v1", 50), ("v2", 50));
        var byHeader = Table(new CanaryPolicy { StickyHeader = "X-User-Id" }, ("v1", 50), ("v2", 50));

        for (var u = 0; u < 500; u++)
        {
            var fromCookie = byCookie.Select(Request(("Cookie", $"theme=dark; uid=user-{u}")), new Random(u), null).Name;
            Assert.Equal(VariantOf(byHeader, $"user-{u}", seed: u + 1), fromCookie);
        }
    }

    [Fact]
    public void A_request_without_the_sticky_key_gets_the_random_split()
    {
        var table = Table(ByHeader, ("v1", 90), ("v2", 10));

        var counts = Count(table, 10_000, seed: 8, Request(("X-Other", "x")));

        Assert.InRange(100.0 * counts["v2"] / 10_000, 8, 12);
    }

    [Fact]
    public void Overrides_beat_the_sticky_key()
    {
        var table = Table(ByHeader, ("v1", 100), ("v2", 0));

        Assert.Equal("v2", table.Select(Request(("X-User-Id", "user-1"), ("X-Canary", "always")), new Random(1), null).Name);
    }
}
