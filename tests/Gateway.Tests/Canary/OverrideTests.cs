using Gateway.Model;
using static Gateway.Tests.Canary.CanaryTestRoutes;

namespace Gateway.Tests.Canary;

public sealed class OverrideTests
{
    private static readonly CanaryPolicy HeaderAndCookie = new() { Backend = "v2", Header = "X-Canary", Cookie = "canary" };

    [Theory]
    [InlineData("always", 100, 0, "v2")]
    [InlineData("never", 0, 100, "v1")]
    [InlineData("always", 90, 10, "v2")]
    [InlineData("never", 90, 10, "v1")]
    public void Header_always_and_never_beat_the_weights(string value, int stable, int canary, string expected)
    {
        var table = Table(HeaderAndCookie, ("v1", stable), ("v2", canary));

        var counts = Count(table, 1_000, seed: 1, Request(("X-Canary", value)));

        Assert.Equal(1_000, counts[expected]);
    }

    [Theory]
    [InlineData("Always")]
    [InlineData("yes")]
    [InlineData("")]
    public void Other_header_values_are_ignored_and_the_weights_decide(string value)
    {
        var table = Table(HeaderAndCookie, ("v1", 100), ("v2", 0));

        Assert.Equal(1_000, Count(table, 1_000, seed: 1, Request(("X-Canary", value)))["v1"]);
    }

    [Fact]
    public void Header_names_compare_case_insensitively()
    {
        var table = Table(HeaderAndCookie, ("v1", 100), ("v2", 0));

        Assert.Equal("v2", table.Select(Request(("x-canary", "always")), new Random(1), null).Name);
    }

    [Fact]
    public void A_configured_header_value_selects_the_canary_and_other_values_fall_through()
    {
        var table = Table(HeaderAndCookie with { HeaderValue = "beta-testers" }, ("v1", 100), ("v2", 0));
        var random = new Random(3);

        Assert.Equal("v2", table.Select(Request(("X-Canary", "beta-testers")), random, null).Name);
        Assert.Equal("v1", table.Select(Request(("X-Canary", "always")), random, null).Name);
        Assert.Equal("v1", table.Select(Request(("X-Canary", "beta-testers-2")), random, null).Name);
        Assert.Equal("v2", table.Select(Request(("X-Canary", "other"), ("Cookie", "canary=always")), random, null).Name);
    }

    [Fact]
    public void A_configured_header_pattern_must_match_the_whole_value()
    {
        var table = Table(HeaderAndCookie with { HeaderPattern = "team-(a|b)" }, ("v1", 100), ("v2", 0));
        var random = new Random(3);

        Assert.Equal("v2", table.Select(Request(("X-Canary", "team-a")), random, null).Name);
        Assert.Equal("v2", table.Select(Request(("X-Canary", "team-b")), random, null).Name);
        Assert.Equal("v1", table.Select(Request(("X-Canary", "team-ab")), random, null).Name);
        Assert.Equal("v1", table.Select(Request(("X-Canary", "my-team-a")), random, null).Name);
    }

    [Theory]
    [InlineData("canary=always", 100, 0, "v2")]
    [InlineData("session=1; canary=always", 100, 0, "v2")]
    [InlineData("canary=\"always\"", 100, 0, "v2")]
    [InlineData("canary=never; other=always", 0, 100, "v1")]
    public void Cookie_always_and_never_beat_the_weights(string cookie, int stable, int canary, string expected)
    {
        var table = Table(HeaderAndCookie, ("v1", stable), ("v2", canary));

        Assert.Equal(1_000, Count(table, 1_000, seed: 1, Request(("Cookie", cookie)))[expected]);
    }

    [Theory]
    [InlineData("Canary=always")]
    [InlineData("xcanary=always")]
    [InlineData("canary=maybe")]
    public void Other_cookies_are_ignored(string cookie)
    {
        var table = Table(HeaderAndCookie, ("v1", 100), ("v2", 0));

        Assert.Equal(1_000, Count(table, 1_000, seed: 1, Request(("Cookie", cookie)))["v1"]);
    }

    [Fact]
    public void The_header_is_evaluated_before_the_cookie()
    {
        var table = Table(HeaderAndCookie, ("v1", 50), ("v2", 50));
        var random = new Random(9);

        Assert.Equal("v1", table.Select(Request(("X-Canary", "never"), ("Cookie", "canary=always")), random, null).Name);
        Assert.Equal("v2", table.Select(Request(("X-Canary", "always"), ("Cookie", "canary=never")), random, null).Name);
        Assert.Equal("v2", table.Select(Request(("X-Canary", "ignored"), ("Cookie", "canary=always")), random, null).Name);
    }

    [Fact]
    public void Never_chooses_among_the_stable_variants_by_their_weights()
    {
        var table = Table(HeaderAndCookie, ("v1", 30), ("v2", 40), ("v3", 10));

        var counts = Count(table, 10_000, seed: 4, Request(("X-Canary", "never")));

        Assert.Equal(0, counts["v2"]);
        Assert.InRange(100.0 * counts["v1"] / 10_000, 73, 77);
    }

    [Fact]
    public void Without_a_canary_header_setting_the_header_does_nothing()
    {
        var table = Table(new CanaryPolicy { StickyHeader = "X-User" }, ("v1", 100), ("v2", 0));

        Assert.Equal(1_000, Count(table, 1_000, seed: 1, Request(("X-Canary", "always")))["v1"]);
    }
}
