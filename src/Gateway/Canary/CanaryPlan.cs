using Gateway.Model;

namespace Gateway.Canary;

/// <summary>
/// What the translator hands to the hot path for a route that splits traffic: its variants and canary rules, part of the
/// route's <see cref="Proxy.Routing.RoutePlan"/> and compiled once into a <see cref="CanaryTable"/>.
/// </summary>
internal sealed record CanaryPlan(string Route, VariantPlan[] Variants, CanaryPolicy Policy)
{
    private static readonly CanaryPolicy PlainWeights = new();

    /// <summary>The plan of <paramref name="route"/>, or null when it has a single backend and so nothing to choose.</summary>
    public static CanaryPlan? For(RouteModel route, GatewayModel model)
    {
        var variants = new List<VariantPlan>(route.Backends.Length);
        foreach (var backendRef in route.Backends)
        {
            // The same backend named twice is one variant with the summed weight, so sticky hashing sees it once.
            var index = variants.FindIndex(v => v.Backend == backendRef.Name);
            if (index >= 0)
            {
                variants[index] = variants[index] with { Weight = variants[index].Weight + backendRef.Weight };
                continue;
            }

            var unresolved = model.Backends.TryGetValue(backendRef.Name, out var backend)
                ? backend.UnresolvedReason
                : $"backend '{backendRef.Name}' does not exist";
            variants.Add(new VariantPlan(backendRef.Name, backendRef.Weight, unresolved));
        }

        return variants.Count < 2 ? null : new CanaryPlan(route.Name, [.. variants], route.Canary ?? PlainWeights);
    }
}
