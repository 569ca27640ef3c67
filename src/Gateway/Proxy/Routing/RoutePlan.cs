using System.Text.Json.Serialization;
using Gateway.Canary;
using Gateway.Model;

namespace Gateway.Proxy.Routing;

/// <summary>
/// Everything one YARP route does beyond YARP's own behaviour, as the translator decided it: plain typed data, compiled
/// into a <see cref="RouteRuntime"/> for the hot path and written as nested JSON by the golden-file tests. Unset fields
/// are null (or false), so a route that only forwards carries its name and match alone.
/// </summary>
internal sealed record RoutePlan
{
    /// <summary>Name of the model route the YARP route was made from.</summary>
    public required string Route { get; init; }

    /// <summary>The match, checked on top of YARP's template match (see <see cref="GatewayMatcherPolicy"/>).</summary>
    public required RouteMatch Match { get; init; }

    /// <summary>The redirect the route answers with instead of forwarding.</summary>
    public RequestRedirect? Redirect { get; init; }

    /// <summary>The fixed answer the route gives instead of forwarding.</summary>
    public DirectResponse? DirectResponse { get; init; }

    /// <summary>Status the route answers with because it cannot forward (e.g. 500 for a backend that does not exist).</summary>
    public int? FixedStatus { get; init; }

    /// <summary>Why <see cref="FixedStatus"/> is set: the body of the answer, and the log line.</summary>
    public string? FixedStatusReason { get; init; }

    public TimeSpan? Timeout { get; init; }

    public TimeSpan? ResponseHeadersTimeout { get; init; }

    public long? MaxRequestBodySize { get; init; }

    public int? MaxConcurrentRequestsPerClient { get; init; }

    public string[]? ConcurrencyExemptSources { get; init; }

    public RetryPolicy? Retry { get; init; }

    public CorsPolicy? Cors { get; init; }

    public FaultInjection? Fault { get; init; }

    /// <summary>Client address ranges the route serves; null serves every client.</summary>
    public string[]? AllowSources { get; init; }

    /// <summary>Client address ranges the route refuses; null refuses none.</summary>
    public string[]? DenySources { get; init; }

    public bool RedirectToHttps { get; init; }

    /// <summary>Path forms refused by default that the route accepts (docs/path-policy.md).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public PathForms AllowedPathForms { get; init; }

    /// <summary>The split between the route's backends; null for a route with one backend.</summary>
    public CanaryPlan? Canary { get; init; }

    /// <summary>Mirrors whose backend resolved; null mirrors nothing.</summary>
    public RequestMirror[]? Mirrors { get; init; }

    /// <summary>Auth policies of which a caller must satisfy one, in force through the route's auth slot; null leaves it open.</summary>
    public string[]? AuthPolicies { get; init; }

    /// <summary>The rate-limit policy in force through the route's limit slot; null for none.</summary>
    public string? RateLimitPolicy { get; init; }

    /// <summary>The token budget in force through the route's limit slot; null for none.</summary>
    public string? TokenLimitPolicy { get; init; }

    /// <summary>The real models that serve the route's public model name; null forwards the body's model as sent.</summary>
    public ModelCanaryPolicy? ModelCanary { get; init; }
}
