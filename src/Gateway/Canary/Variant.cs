using Gateway.Primitives;
using Microsoft.Extensions.Primitives;

namespace Gateway.Canary;

/// <summary>One backend of a split route, with everything the hot path needs about it computed once per configuration.</summary>
internal sealed class Variant
{
    public Variant(VariantPlan plan, bool isCanary)
    {
        Name = plan.Backend;
        Weight = plan.Weight;
        IsCanary = isCanary;
        UnresolvedReason = plan.UnresolvedReason;
        HashSeed = StickyHash.Of(plan.Backend);
        InverseWeight = plan.Weight > 0 ? 1.0 / plan.Weight : 0;
        HeaderValue = new StringValues(plan.Backend);
    }

    /// <summary>The backend's name, which is also its YARP cluster id.</summary>
    public string Name { get; }

    public int Weight { get; }

    public bool IsCanary { get; }

    /// <summary>Set when the backend cannot be found; requests for this variant get 500.</summary>
    public string? UnresolvedReason { get; }

    /// <summary>Derived from the name, not the position, so reordering a route's backends moves no sticky user.</summary>
    public ulong HashSeed { get; }

    public double InverseWeight { get; }

    /// <summary>The name, ready to be set as a response header value.</summary>
    public StringValues HeaderValue { get; }
}
