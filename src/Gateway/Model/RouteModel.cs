using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gateway.Model;

/// <summary>A route: which requests it takes (any of <see cref="Matches"/>), what it does to them, where they go.</summary>
internal sealed record RouteModel
{
    public required string Name { get; init; }

    /// <summary>Where the route was declared, for error messages and status (e.g. <c>appsettings.json</c>).</summary>
    public string Source { get; init; } = "";

    /// <summary>Exact hosts or <c>*.suffix</c> wildcards; empty means any host.</summary>
    public ImmutableArray<string> Hostnames { get; init; } = [];

    public ImmutableArray<RouteMatch> Matches { get; init; } = [];

    public RouteFilters Filters { get; init; } = RouteFilters.None;

    public ImmutableArray<BackendRef> Backends { get; init; } = [];

    /// <summary>How long the backend may take to answer before the client gets 504; null uses the default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Overrides, sticky users and fallback for the weighted split between <see cref="Backends"/>; null uses plain weights.</summary>
    public CanaryPolicy? Canary { get; init; }

    /// <summary>Name of the rate-limit policy (in <see cref="GatewayModel.RateLimitPolicies"/>) applied to the route; null for none.</summary>
    public string? RateLimitPolicy { get; init; }

    /// <summary>Name of a rate-limit policy with <see cref="RateLimitUnit.Tokens"/> that budgets the route's model tokens per caller; null for none.</summary>
    public string? TokenLimitPolicy { get; init; }

    /// <summary>How long the backend may take to start its response (headers or first bytes) before 504; null waits up to <see cref="Timeout"/>.</summary>
    public TimeSpan? ResponseHeadersTimeout { get; init; }

    /// <summary>Retries on another endpoint; null never retries.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>Largest request body in bytes (413 beyond); null uses the listener's limit.</summary>
    public long? MaxRequestBodySize { get; init; }

    /// <summary>Names of the auth policies (in <see cref="GatewayModel.AuthPolicies"/>) of which a caller must satisfy one; empty leaves the route open.</summary>
    public ImmutableArray<string> AuthPolicies { get; init; } = [];

    /// <summary>Requests one client address may have in flight on the route (503 beyond); null is unlimited.</summary>
    public int? MaxConcurrentRequestsPerClient { get; init; }

    /// <summary>Client address ranges (CIDRs or addresses) that <see cref="MaxConcurrentRequestsPerClient"/> never limits, as ingress-nginx <c>limit-allowlist</c>.</summary>
    public ImmutableArray<string>? ConcurrencyExemptSources { get; init; }

    /// <summary>Plain-HTTP requests get 308 to the same URL on https.</summary>
    public bool RedirectToHttps { get; init; }

    /// <summary>Path forms the route accepts that are refused by default (<c>;</c> parameters, encoded slashes).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public PathForms AllowedPathForms { get; init; }

    /// <summary>Cross-origin rules; null leaves CORS to the backend.</summary>
    public CorsPolicy? Cors { get; init; }

    /// <summary>
    /// Matched in declaration order, first match wins (as Istio's <c>http</c> routes), instead of by Gateway API precedence.
    /// Such routes keep their order among themselves and go before the other routes of the same host specificity.
    /// </summary>
    public bool InDeclarationOrder { get; init; }

    /// <summary>
    /// The top-level <c>model</c> of JSON <c>POST</c> bodies on the route's paths becomes the request header
    /// <see cref="InferenceHeaders.ModelName"/>, as on the OpenAI-compatible paths, which have it by default.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ModelFromBody { get; init; }

    /// <summary>The real models that serve the route's requests, by weight; null forwards the body's model as sent.</summary>
    public ModelCanaryPolicy? ModelCanary { get; init; }
}
