using Gateway.Auth;
using Gateway.Observability;
using Gateway.RateLimiting;

namespace Gateway.Proxy.Routing;

/// <summary>Finds a model route's <see cref="RouteSlots"/> in the registries that own them, for the translator to hand to its runtime.</summary>
internal sealed class RouteSlotRegistry(AuthRegistry auth, RateLimiterRegistry rateLimits, RouteStatsRegistry stats)
{
    public RouteSlots For(string routeName) => new(auth.SlotFor(routeName), rateLimits.SlotFor(routeName), stats.For(routeName));
}
