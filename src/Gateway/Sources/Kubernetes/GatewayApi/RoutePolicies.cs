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

    /// <summary>The route's own token budget (<c>mlgateway.io/token-limit</c>), one policy for all its rules.</summary>
    public RateLimitPolicy? TokenLimit { get; init; }

    /// <summary>A configured token budget the rules use instead (<c>mlgateway.io/token-limit-policy</c>).</summary>
    public string? TokenLimitPolicy { get; init; }

    /// <summary>The policies the route brings: its request limit and its own token budget.</summary>
    public IEnumerable<RateLimitPolicy> Policies
    {
        get
        {
            if (RateLimit is { } requests)
            {
                yield return requests;
            }

            if (TokenLimit is { } tokens)
            {
                yield return tokens;
            }
        }
    }

    /// <summary>The rollout each rule that splits traffic runs; null keeps the declared weights.</summary>
    public RouteRollout? Rollout { get; init; }
}
