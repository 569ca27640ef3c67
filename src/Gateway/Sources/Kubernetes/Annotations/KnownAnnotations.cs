using System.Collections.Immutable;

namespace Gateway.Sources.Kubernetes.Annotations;

/// <summary>
/// Which <c>mlgateway.io/</c> annotations each kind understands. Any other annotation of ours on that kind is reported as
/// ignored, never silently dropped; ingress-nginx annotations on Ingresses are judged by <see cref="NginxAnnotations.Catalogue"/>.
/// </summary>
internal static class KnownAnnotations
{
    public static ImmutableArray<string> Service { get; } =
    [
        MlGatewayAnnotations.PathPrefix, MlGatewayAnnotations.StripPrefix, MlGatewayAnnotations.Host, MlGatewayAnnotations.Port,
        MlGatewayAnnotations.CanaryOf, MlGatewayAnnotations.CanaryWeight, MlGatewayAnnotations.CanaryHeader,
        MlGatewayAnnotations.CanaryHeaderValue, MlGatewayAnnotations.CanaryCookie, MlGatewayAnnotations.RateLimit,
        MlGatewayAnnotations.RateLimitBurst, MlGatewayAnnotations.RateLimitKey, MlGatewayAnnotations.HealthPath,
        MlGatewayAnnotations.HealthInterval, MlGatewayAnnotations.HealthTimeout, MlGatewayAnnotations.HealthyThreshold,
        MlGatewayAnnotations.UnhealthyThreshold, MlGatewayAnnotations.OutlierFailures, MlGatewayAnnotations.OutlierEjection,
        MlGatewayAnnotations.MaxConcurrentRequests, MlGatewayAnnotations.ConnectTimeout, MlGatewayAnnotations.ConnectFailover,
        MlGatewayAnnotations.AuthPolicy, MlGatewayAnnotations.LoadBalancing, MlGatewayAnnotations.MetricsPath,
        MlGatewayAnnotations.MetricsPort, MlGatewayAnnotations.ScrapeInterval, MlGatewayAnnotations.MaxQueueDepth,
        MlGatewayAnnotations.MaxKvCacheUsage, MlGatewayAnnotations.GatewayQueueSize, MlGatewayAnnotations.GatewayQueueWait,
        MlGatewayAnnotations.CriticalQueueWait, MlGatewayAnnotations.Model,
        MlGatewayAnnotations.ModelVariants, MlGatewayAnnotations.ModelStickyHeader, MlGatewayAnnotations.TokenLimit, MlGatewayAnnotations.TokenLimitBurst,
        MlGatewayAnnotations.TokenLimitKey, MlGatewayAnnotations.TokenLimitPolicy, .. RolloutAnnotations.All,
    ];

    public static ImmutableArray<string> Ingress { get; } =
    [
        MlGatewayAnnotations.AuthPolicy, MlGatewayAnnotations.TokenLimit, MlGatewayAnnotations.TokenLimitBurst,
        MlGatewayAnnotations.TokenLimitKey, MlGatewayAnnotations.TokenLimitPolicy, .. RolloutAnnotations.All,
    ];

    public static ImmutableArray<string> HttpRoute { get; } =
    [
        MlGatewayAnnotations.RateLimit, MlGatewayAnnotations.RateLimitBurst, MlGatewayAnnotations.RateLimitKey,
        MlGatewayAnnotations.CanaryStickyHeader, MlGatewayAnnotations.CanaryStickyCookie, MlGatewayAnnotations.AuthPolicy,
        MlGatewayAnnotations.TokenLimit, MlGatewayAnnotations.TokenLimitBurst, MlGatewayAnnotations.TokenLimitKey,
        MlGatewayAnnotations.TokenLimitPolicy,
        .. RouteRolloutAnnotations.All,
    ];

    public static ImmutableArray<string> VirtualService { get; } = RouteRolloutAnnotations.All;
}
