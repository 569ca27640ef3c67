using static Gateway.Tests.Canary.CanaryTestRoutes;

namespace Gateway.Tests.Canary;

public sealed class WeightedSplitTests
{
    private const int Picks = 10_000;

    public static TheoryData<int[]> WeightSets => new()
    {
        new[] { 90, 10 },
        new[] { 50, 50 },
        new[] { 1, 2, 3 },
        new[] { 7, 13 },
        new[] { 250, 750 },
        new[] { 1, 1, 1, 1 },
        new[] { 999_000, 1_000 },
        new[] { 3, 0, 5, 0 },
    };

    [Theory]
    [MemberData(nameof(WeightSets))]
    public void Each_backend_gets_its_weight_share_within_2_points(int[] weights)
    {
        var table = Table(null, [.. weights.Select((w, i) => ($"v{i}", w))]);
        var total = weights.Sum();

        foreach (var seed in new[] { 1, 2, 3 })
        {
            var counts = Count(table, Picks, seed);
            for (var i = 0; i < weights.Length; i++)
            {
                var expected = 100.0 * weights[i] / total;
                var actual = 100.0 * counts[$"v{i}"] / Picks;
                Assert.True(Math.Abs(actual - expected) <= 2, $"seed {seed}: v{i} got {actual:F2}% of requests, expected {expected:F2}% ± 2");
            }
        }
    }

    [Theory]
    [InlineData(100, 0)]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    public void A_weight_0_backend_gets_no_request(int first, int second)
    {
        var counts = Count(Table(null, ("a", first), ("b", second)), Picks, seed: 7);

        Assert.Equal(first == 0 ? 0 : Picks, counts["a"]);
        Assert.Equal(second == 0 ? 0 : Picks, counts["b"]);
    }

    [Fact]
    public void A_weight_0_backend_gets_no_request_among_several()
    {
        var counts = Count(Table(null, ("a", 0), ("b", 1), ("c", 0), ("d", 2)), Picks, seed: 11);

        Assert.Equal(0, counts["a"]);
        Assert.Equal(0, counts["c"]);
        Assert.Equal(Picks, counts["b"] + counts["d"]);
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequence()
    {
        var table = Table(null, ("a", 90), ("b", 10));
        var request = Request();
        var first = new Random(42);
        var second = new Random(42);

        for (var i = 0; i < 1_000; i++)
        {
            Assert.Same(table.Select(request, first, null), table.Select(request, second, null));
        }
    }

    [Fact]
    public void A_backend_named_twice_is_one_variant_with_the_summed_weight()
    {
        var table = Table(null, ("a", 30), ("b", 40), ("a", 30));

        Assert.Equal(["a", "b"], table.Variants.Select(v => v.Name));
        var counts = Count(table, Picks, seed: 5);
        Assert.InRange(100.0 * counts["a"] / Picks, 58, 62);
    }
}
