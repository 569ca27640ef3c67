using System.Collections.Immutable;
using Gateway.Model;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>What the annotations of one Ingress ask for, read by <see cref="IngressAnnotations"/>.</summary>
internal sealed record IngressSettings
{
    public static IngressSettings Default { get; } = new();

    /// <summary>Paths are case-insensitive regular expressions anchored at the start, as nginx <c>location ~*</c>.</summary>
    public bool UseRegex { get; init; }

    /// <summary>The path the backend gets instead of the request's, with <c>$1</c>.. captures of the path regex.</summary>
    public string? RewriteTarget { get; init; }

    /// <summary>Where a request for <c>/</c> is redirected (302).</summary>
    public string? AppRoot { get; init; }

    /// <summary>Null: redirect plain HTTP to HTTPS when the host has TLS (the ingress-nginx default).</summary>
    public bool? SslRedirect { get; init; }

    public bool ForceSslRedirect { get; init; }

    public BackendProtocol Protocol { get; init; } = BackendProtocol.Http;

    public bool VerifyBackendCertificate { get; init; }

    public TimeSpan? ConnectTimeout { get; init; }

    public TimeSpan? ReadTimeout { get; init; }

    public TimeSpan? SendTimeout { get; init; }

    /// <summary>Largest request body in bytes; <see cref="long.MaxValue"/> for nginx's <c>0</c> (unlimited).</summary>
    public long? MaxBodySize { get; init; }

    /// <summary>The per-client limit of the Ingress's paths (all of them share the buckets, as one nginx zone).</summary>
    public RateLimitPolicy? RateLimit { get; init; }

    /// <summary>Requests one client may have in flight on each path (ingress-nginx <c>limit-connections</c>).</summary>
    public int? MaxConcurrentRequestsPerClient { get; init; }

    /// <summary>Clients <see cref="MaxConcurrentRequestsPerClient"/> never limits (ingress-nginx <c>limit-allowlist</c>).</summary>
    public ImmutableArray<string>? ConcurrencyExemptSources { get; init; }

    public ImmutableArray<string> AllowSources { get; init; } = [];

    public ImmutableArray<string> DenySources { get; init; } = [];

    /// <summary>Set on a canary Ingress; its other annotations are ignored, as ingress-nginx ignores them.</summary>
    public IngressCanary? Canary { get; init; }

    public CorsPolicy? Cors { get; init; }

    /// <summary>Host header sent to the backend.</summary>
    public string? UpstreamHost { get; init; }

    /// <summary>Value of the <c>X-Forwarded-Prefix</c> header sent to the backend.</summary>
    public string? ForwardedPrefix { get; init; }

    /// <summary>More hostnames served like the Ingress's own.</summary>
    public ImmutableArray<string> ServerAliases { get; init; } = [];

    /// <summary>Every request of the Ingress is answered with this redirect instead of being forwarded.</summary>
    public RequestRedirect? Redirect { get; init; }

    public ImmutableArray<string> AuthPolicies { get; init; } = [];

    /// <summary>The token budget of the Ingress's paths (<c>mlgateway.io/token-limit</c>), shared by them as one policy.</summary>
    public RateLimitPolicy? TokenLimit { get; init; }

    /// <summary>A configured token budget the paths use instead (<c>mlgateway.io/token-limit-policy</c>).</summary>
    public string? TokenLimitPolicy { get; init; }

    /// <summary>Whether the backends of this Ingress differ from plain HTTP with default timeouts, so they need their own names.</summary>
    public bool HasBackendSettings => Protocol != BackendProtocol.Http || ConnectTimeout is not null || ReadTimeout is not null || SendTimeout is not null;
}
