using Gateway.Model;
using static Gateway.Tests.Canary.CanaryTestRoutes;

namespace Gateway.Tests.Canary;

public sealed class FallbackTests
{
    [Fact]
    public void A_variant_without_endpoints_falls_back_to_one_with_endpoints()
    {
        var table = Table(null, ("v1", 90), ("v2", 10));

        Assert.Equal(10_000, Count(table, 10_000, seed: 1, availability: new FakeAvailability("v2"))["v1"]);
        Assert.Equal(10_000, Count(table, 10_000, seed: 1, availability: new FakeAvailability("v1"))["v2"]);
    }

    [Fact]
    public void Fallback_keeps_the_weights_of_the_remaining_variants()
    {
        var table = Table(null, ("v1", 50), ("v2", 30), ("v3", 20));

        var counts = Count(table, 10_000, seed: 2, availability: new FakeAvailability("v1"));

        Assert.Equal(0, counts["v1"]);
        Assert.InRange(100.0 * counts["v2"] / 10_000, 58, 62);
    }

    [Fact]
    public void An_override_to_a_variant_without_endpoints_falls_back_too()
    {
        var table = Table(new CanaryPolicy { Backend = "v2", Header = "X-Canary" }, ("v1", 90), ("v2", 10));

        Assert.Equal("v1", table.Select(Request(("X-Canary", "always")), new Random(1), new FakeAvailability("v2")).Name);
    }

    [Fact]
    public void A_sticky_user_falls_back_consistently_and_returns_when_endpoints_are_back()
    {
        var table = Table(new CanaryPolicy { StickyHeader = "X-User-Id" }, ("v1", 40), ("v2", 30), ("v3", 30));
        for (var u = 0; u < 1_000; u++)
        {
            var request = Request(("X-User-Id", $"user-{u}"));
            var usual = table.Select(request, new Random(1), new FakeAvailability()).Name;
            var whileDown = table.Select(request, new Random(2), new FakeAvailability("v1")).Name;

            Assert.NotEqual("v1", whileDown);
            Assert.Equal(whileDown, table.Select(request, new Random(3), new FakeAvailability("v1")).Name);
            if (usual != "v1")
            {
                Assert.Equal(usual, whileDown);
            }
        }
    }

    [Fact]
    public void With_fallback_off_the_chosen_variant_is_kept()
    {
        var table = Table(new CanaryPolicy { Fallback = false }, ("v1", 50), ("v2", 50));

        var counts = Count(table, 10_000, seed: 3, availability: new FakeAvailability("v2"));

        Assert.InRange(100.0 * counts["v2"] / 10_000, 48, 52);
    }

    [Fact]
    public void When_no_variant_has_endpoints_the_choice_stands()
    {
        var table = Table(null, ("v1", 90), ("v2", 10));

        var counts = Count(table, 10_000, seed: 4, availability: new FakeAvailability("v1", "v2"));

        Assert.InRange(100.0 * counts["v2"] / 10_000, 8, 12);
    }

    [Fact]
    public void A_weight_0_variant_is_never_a_fallback()
    {
        var table = Table(null, ("v1", 100), ("v2", 0));

        Assert.Equal(10_000, Count(table, 10_000, seed: 5, availability: new FakeAvailability("v1"))["v1"]);
    }

    [Fact]
    public void An_unresolved_variant_keeps_its_share_for_a_500_and_is_never_a_fallback()
    {
        var missing = new BackendModel { Name = "v2", UnresolvedReason = "Service 'v2' not found" };
        var table = Table(Route(null, ("v1", 80), ("v2", 20)), missing);

        var counts = Count(table, 10_000, seed: 6, availability: new FakeAvailability());
        var whenStableDown = Count(table, 10_000, seed: 6, availability: new FakeAvailability("v1"));

        Assert.Equal("Service 'v2' not found", table.Variants.Single(v => v.Name == "v2").UnresolvedReason);
        Assert.InRange(100.0 * counts["v2"] / 10_000, 18, 22);
        Assert.Equal(counts, whenStableDown);
    }
}
