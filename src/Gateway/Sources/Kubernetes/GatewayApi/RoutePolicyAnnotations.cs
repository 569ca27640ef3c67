using Gateway.Model;
using Gateway.Sources.Kubernetes.Annotations;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// Annotations that attach our policies to every rule of an HTTPRoute: the rate limit as on a Service
/// (<c>mlgateway.io/rate-limit</c>, <c>-burst</c>, <c>-key</c>), canary stickiness of the weighted backendRefs
/// (<c>mlgateway.io/canary-sticky-header</c> / <c>-cookie</c>), auth (<c>mlgateway.io/auth-policy</c>), the token
/// budget as on a Service (<c>mlgateway.io/token-limit</c> with <c>-burst</c> and <c>-key</c>, or
/// <c>mlgateway.io/token-limit-policy</c>) and the rollout of the rules that split traffic (<c>mlgateway.io/rollout-*</c>,
/// see <see cref="RouteRolloutAnnotations"/>).
/// </summary>
internal static class RoutePolicyAnnotations
{
    /// <param name="problems">Invalid values: the route is not accepted until they are fixed.</param>
    /// <param name="warnings">
    /// Unknown annotations of ours, reported and ignored, and invalid token budgets: the route is served without one.
    /// </param>
    public static RoutePolicies Read(HttpRouteObject route, string source, string obj, List<ModelProblem> problems, List<ModelProblem> warnings)
    {
        var annotations = route.Metadata.Annotations;
        if (annotations is null || annotations.Count == 0)
        {
            return RoutePolicies.None;
        }

        string? Get(string key) => annotations.TryGetValue(key, out var value) ? value.Trim() : null;
        void Problem(string key, string message) => problems.Add(new ModelProblem(source, obj, MlGatewayAnnotations.Field(key), message));

        foreach (var key in annotations.Keys)
        {
            if (key.StartsWith(MlGatewayAnnotations.Prefix, StringComparison.Ordinal) && !KnownAnnotations.HttpRoute.Contains(key))
            {
                warnings.Add(new ModelProblem(source, obj, MlGatewayAnnotations.Field(key), $"is not an HTTPRoute annotation and is ignored; known annotations: {string.Join(", ", KnownAnnotations.HttpRoute)}"));
            }
        }

        var name = $"httproute/{route.Metadata.NamespaceProperty}/{route.Metadata.Name}";
        var rateLimit = ServiceAnnotations.ReadRateLimit(Get(MlGatewayAnnotations.RateLimit), Get(MlGatewayAnnotations.RateLimitBurst), Get(MlGatewayAnnotations.RateLimitKey), name, source, Problem);
        var stickyHeader = Get(MlGatewayAnnotations.CanaryStickyHeader);
        var stickyCookie = Get(MlGatewayAnnotations.CanaryStickyCookie);
        if (stickyHeader is { Length: 0 })
        {
            Problem(MlGatewayAnnotations.CanaryStickyHeader, "must name a request header, e.g. X-User-Id");
        }

        if (stickyCookie is { Length: 0 })
        {
            Problem(MlGatewayAnnotations.CanaryStickyCookie, "must name a cookie, e.g. session");
        }

        var auth = Get(MlGatewayAnnotations.AuthPolicy) is { } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        var tokenLimit = TokenLimitAnnotations.Read(
            Get,
            name + "/tokens",
            source,
            (key, message) => warnings.Add(new ModelProblem(source, obj, MlGatewayAnnotations.Field(key), message + "; the HTTPRoute is served without a token budget until this is fixed")),
            out var tokenLimitPolicy);
        return new RoutePolicies
        {
            RateLimit = rateLimit,
            StickyHeader = stickyHeader,
            StickyCookie = stickyCookie,
            AuthPolicies = [.. auth],
            TokenLimit = tokenLimit,
            TokenLimitPolicy = tokenLimitPolicy,
            Rollout = RouteRolloutAnnotations.Read(Get, Problem),
        };
    }
}
