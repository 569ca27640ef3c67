using Gateway.Auth;
using Gateway.Observability;
using Gateway.RateLimiting;
using Gateway.Rollout;

namespace Gateway.Proxy.Routing;

/// <summary>Finds a model route's <see cref="RouteSlots"/> in the registries that own them, for the translator to hand to its runtime.</summary>
internal sealed class RouteSlotRegistry(AuthRegistry auth, RateLimiterRegistry rateLimits, RouteStatsRegistry stats, RolloutRegistry rollouts)
{
    /// <param name="hasRollout">Only a route under rollout gets a rollout slot: its counters are not free.</param>
    public RouteSlots For(string routeName, bool hasRollout) =>
        new(auth.SlotFor(routeName), rateLimits.SlotFor(routeName), stats.For(routeName), hasRollout ? rollouts.SlotFor(routeName) : null);
}
