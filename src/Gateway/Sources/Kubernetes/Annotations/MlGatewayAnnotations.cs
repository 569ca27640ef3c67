namespace Gateway.Sources.Kubernetes.Annotations;

/// <summary>
/// Every <c>mlgateway.io/</c> label and annotation name the gateway reads, on any kind. Which kind understands which is
/// in <see cref="KnownAnnotations"/>; the ingress-nginx names are in <see cref="NginxAnnotations"/>.
/// </summary>
internal static class MlGatewayAnnotations
{
    public const string Prefix = "mlgateway.io/";

    /// <summary>Label of the Services the gateway exposes (value <c>true</c>).</summary>
    public const string ExposeLabel = Prefix + "expose";

    /// <summary>Label of the Secrets that hold API keys (value <c>true</c>).</summary>
    public const string ApiKeyLabel = Prefix + "api-key";

    public const string PathPrefix = Prefix + "path-prefix";
    public const string StripPrefix = Prefix + "strip-prefix";
    public const string Host = Prefix + "host";
    public const string Port = Prefix + "port";
    public const string CanaryOf = Prefix + "canary-of";
    public const string CanaryWeight = Prefix + "canary-weight";
    public const string CanaryHeader = Prefix + "canary-header";
    public const string CanaryHeaderValue = Prefix + "canary-header-value";
    public const string CanaryCookie = Prefix + "canary-cookie";
    public const string CanaryStickyHeader = Prefix + "canary-sticky-header";
    public const string CanaryStickyCookie = Prefix + "canary-sticky-cookie";
    public const string RolloutSteps = Prefix + "rollout-steps";
    public const string RolloutInterval = Prefix + "rollout-interval";
    public const string RolloutMinRequests = Prefix + "rollout-min-requests";
    public const string RolloutMaxErrorRate = Prefix + "rollout-max-error-rate";
    public const string RolloutMaxErrorRateRatio = Prefix + "rollout-max-error-rate-ratio";
    public const string RolloutMaxP99Latency = Prefix + "rollout-max-p99-latency";
    public const string RolloutMaxP99LatencyRatio = Prefix + "rollout-max-p99-latency-ratio";
    public const string RolloutRevision = Prefix + "rollout-revision";
    public const string RolloutControl = Prefix + "rollout-control";

    /// <summary>
    /// On an HTTPRoute or a VirtualService under rollout: the backend of each splitting rule that is the canary (a
    /// backendRef's Service or InferencePool name; a destination's host or subset).
    /// </summary>
    public const string RolloutCanary = Prefix + "rollout-canary";
    public const string RateLimit = Prefix + "rate-limit";
    public const string RateLimitBurst = Prefix + "rate-limit-burst";
    public const string RateLimitKey = Prefix + "rate-limit-key";
    public const string TokenLimit = Prefix + "token-limit";
    public const string TokenLimitBurst = Prefix + "token-limit-burst";
    public const string TokenLimitKey = Prefix + "token-limit-key";
    public const string TokenLimitPolicy = Prefix + "token-limit-policy";
    public const string HealthPath = Prefix + "health-path";
    public const string HealthInterval = Prefix + "health-interval";
    public const string HealthTimeout = Prefix + "health-timeout";
    public const string HealthyThreshold = Prefix + "health-healthy-threshold";
    public const string UnhealthyThreshold = Prefix + "health-unhealthy-threshold";
    public const string OutlierFailures = Prefix + "outlier-consecutive-failures";
    public const string OutlierEjection = Prefix + "outlier-ejection-period";
    public const string MaxConcurrentRequests = Prefix + "max-concurrent-requests";
    public const string ConnectTimeout = Prefix + "connect-timeout";
    public const string ConnectFailover = Prefix + "connect-failover";
    public const string LoadBalancing = Prefix + "load-balancing";
    public const string MetricsPath = Prefix + "metrics-path";
    public const string MetricsPort = Prefix + "metrics-port";
    public const string ScrapeInterval = Prefix + "scrape-interval";
    public const string MaxQueueDepth = Prefix + "max-queue-depth";
    public const string MaxKvCacheUsage = Prefix + "max-kv-cache-usage";
    public const string GatewayQueueSize = Prefix + "gateway-queue-size";
    public const string GatewayQueueWait = Prefix + "gateway-queue-wait";
    public const string CriticalQueueWait = Prefix + "critical-queue-wait";

    /// <summary>The public model name a Service's route serves: it matches requests whose body names that model.</summary>
    public const string Model = Prefix + "model";

    /// <summary>Real models behind the route's public model, as <c>name=weight</c> pairs separated by commas.</summary>
    public const string ModelVariants = Prefix + "model-variants";

    /// <summary>Request header that keeps a caller on one of <see cref="ModelVariants"/>.</summary>
    public const string ModelStickyHeader = Prefix + "model-sticky-header";

    /// <summary>
    /// Comma-separated auth policies (any of them admits) of the route made from a Service, Ingress or HTTPRoute, or of
    /// an API-key Secret.
    /// </summary>
    public const string AuthPolicy = Prefix + "auth-policy";

    /// <summary>The field path of an annotation in problems and Events.</summary>
    public static string Field(string annotation) => $"metadata.annotations[{annotation}]";
}
