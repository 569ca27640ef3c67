using Gateway.Auth;
using Gateway.Observability;
using Gateway.RateLimiting;
using Gateway.Rollout;

namespace Gateway.Proxy.Routing;

/// <summary>
/// The state a model route keeps across configurations, by its name: the stages swap what is in its slots when a model
/// is applied (before the proxy serves it), and its statistics keep counting.
/// </summary>
internal sealed record RouteSlots(RouteAuthSlot Auth, RouteRateLimitSlot RateLimit, RouteStats Stats, RolloutSlot? Rollout = null);
