using Gateway.Sources.Kubernetes;

namespace Gateway.Tests.Rollout;

/// <summary>Which backend of a split rule an HTTPRoute's or a VirtualService's rollout steps, and the rules it refuses as ambiguous.</summary>
public sealed class SplitCanaryTests
{
    private static (string Shown, string[] Names, int Weight) Backend(string name, int weight, string? subset = null) =>
        (subset is null ? $"'{name}'" : $"'{name}' subset '{subset}'", subset is null ? [name] : [name, subset], weight);

    [Theory]
    [InlineData(90, 10, 1)]
    [InlineData(0, 100, 0)]
    [InlineData(1, 0, 1)]
    public void Without_a_name_the_lower_weighted_of_two_backends_is_the_canary(int first, int second, int canary)
    {
        Assert.Equal(canary, SplitCanary.Choose(null, [Backend("llama", first), Backend("llama-v2", second)], out var problem));
        Assert.Equal("", problem);
    }

    [Fact]
    public void A_named_canary_is_found_among_any_number_of_backends_whatever_its_weight()
    {
        Assert.Equal(2, SplitCanary.Choose("llama-v2", [Backend("llama", 50), Backend("llama-eu", 50), Backend("llama-v2", 100)], out _));
        Assert.Equal(1, SplitCanary.Choose("v2", [Backend("ml", 10, "v1"), Backend("ml", 90, "v2")], out _));
    }

    [Fact]
    public void Equal_weights_without_a_name_are_refused_with_the_backends_and_the_way_out()
    {
        Assert.Equal(-1, SplitCanary.Choose(null, [Backend("llama", 50), Backend("llama-v2", 50)], out var problem));
        Assert.Equal("gives both backends weight 50 ('llama' weight 50, 'llama-v2' weight 50) under a rollout: name the canary with mlgateway.io/rollout-canary, or give it the lower weight", problem);
    }

    [Fact]
    public void Three_backends_without_a_name_are_refused()
    {
        Assert.Equal(-1, SplitCanary.Choose(null, [Backend("a", 80), Backend("b", 10), Backend("c", 10)], out var problem));
        Assert.StartsWith("splits traffic between 3 backends ('a' weight 80, 'b' weight 10, 'c' weight 10) under a rollout: name the canary", problem);
    }

    [Fact]
    public void A_name_that_matches_no_backend_or_several_is_refused()
    {
        Assert.Equal(-1, SplitCanary.Choose("llama-v3", [Backend("llama", 90), Backend("llama-v2", 10)], out var missing));
        Assert.Contains("has no backend 'llama-v3'", missing);
        Assert.Equal(-1, SplitCanary.Choose("ml", [Backend("ml", 90, "v1"), Backend("ml", 10, "v2")], out var several));
        Assert.StartsWith("'ml' (mlgateway.io/rollout-canary) names more than one backend of this rule", several);
    }
}
