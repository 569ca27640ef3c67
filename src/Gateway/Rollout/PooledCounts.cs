namespace Gateway.Rollout;

/// <summary>The other replicas' counts of one step, summed, and how many replicas they came from.</summary>
internal sealed record PooledCounts(VariantCounts Canary, VariantCounts Primary, int Replicas)
{
    public static PooledCounts None { get; } = new(VariantCounts.Zero, VariantCounts.Zero, 0);
}
