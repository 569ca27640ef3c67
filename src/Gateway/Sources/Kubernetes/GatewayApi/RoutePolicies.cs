using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Sources.Kubernetes.Annotations;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>Our policy attachment on an HTTPRoute, read from its annotations (see <see cref="RoutePolicyAnnotations"/>).</summary>
internal sealed record RoutePolicies
{
    public static RoutePolicies None { get; } = new();

    public RateLimitPolicy? RateLimit { get; init; }

    public string? StickyHeader { get; init; }

    public string? StickyCookie { get; init; }

    public ImmutableArray<string> AuthPolicies { get; init; } = [];

    /// <summary>The rollout each rule that splits traffic runs; null keeps the declared weights.</summary>
    public RouteRollout? Rollout { get; init; }
}
