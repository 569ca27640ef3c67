using Gateway.Inference;
using Gateway.Model;
using static Gateway.Tests.Canary.CanaryTestRoutes;

namespace Gateway.Tests.Inference;

public sealed class ModelVariantTableTests
{
    private static ModelVariantTable Table(string? stickyHeader, params (string Model, int Weight)[] variants) =>
        new("r", new ModelCanaryPolicy { Variants = [.. variants.Select(v => new ModelVariant(v.Model, v.Weight))], StickyHeader = stickyHeader });

    [Fact]
    public void Draws_follow_the_weights_and_a_zero_weight_is_never_drawn()
    {
        var table = Table(null, ("a", 90), ("b", 10), ("off", 0));
        var random = new Random(7);
        var request = Request();

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 10_000; i++)
        {
            var model = table.Select(request, random);
            counts[model] = counts.GetValueOrDefault(model) + 1;
        }

        Assert.False(counts.ContainsKey("off"));
        Assert.InRange(counts["b"], 800, 1_200);
    }

    [Fact]
    public void A_sticky_caller_keeps_its_model_whatever_the_draw_and_callers_spread_by_weight()
    {
        var table = Table("X-User-Id", ("a", 75), ("b", 25));
        var rebuilt = Table("X-User-Id", ("b", 25), ("a", 75));

        var onB = 0;
        for (var user = 0; user < 4_000; user++)
        {
            var request = Request(("X-User-Id", $"user-{user}"));
            var first = table.Select(request, new Random(1));
            Assert.Equal(first, table.Select(request, new Random(2)));
            Assert.Equal(first, rebuilt.Select(request, new Random(3)));
            onB += first == "b" ? 1 : 0;
        }

        Assert.InRange(onB, 900, 1_100);
    }
}
