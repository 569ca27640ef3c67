namespace Gateway.Model;

/// <summary>A set of interchangeable endpoints that serve one model version.</summary>
internal sealed record BackendModel
{
    public required string Name { get; init; }

    public string Source { get; init; } = "";

    /// <summary>
    /// Absolute http(s) base addresses of the ready endpoints, e.g. <c>http://10.0.0.7:8080</c>: fixed for a configured
    /// backend, live for a discovered one (see <see cref="EndpointSet"/>).
    /// </summary>
    [Secret(UserInfoOnly = true)]
    public EndpointSet Endpoints { get; init; } = EndpointSet.Empty;

    /// <summary>Set when the backend a route names cannot be found (e.g. a deleted Service); requests for it get 500.</summary>
    public string? UnresolvedReason { get; init; }

    /// <summary>Active probes and passive outlier ejection; null checks nothing.</summary>
    public BackendHealthCheck? HealthCheck { get; init; }

    /// <summary>Retry and ejection when an endpoint refuses connections; on by default, null turns both off.</summary>
    public ConnectFailover? ConnectFailover { get; init; } = ConnectFailover.Default;

    /// <summary>Requests in flight to the backend (all endpoints) beyond which the gateway answers 503; null is unlimited.</summary>
    public int? MaxConcurrentRequests { get; init; }

    /// <summary>How long opening a connection to an endpoint may take; null uses the default (5 s).</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>Forward with HTTP/2 only: prior-knowledge h2c on http:// endpoints (as gRPC servers listen), h2 on https://.</summary>
    public bool Http2 { get; init; }

    /// <summary>Accept any certificate from https:// endpoints, as ingress-nginx does unless <c>proxy-ssl-verify</c> is on.</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    /// <summary>How long the backend may stay silent while answering (no headers or body bytes) before 504; null uses 100 s.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>How a request picks an endpoint; null uses the default (power of two choices, least requests).</summary>
    public LoadBalancingPolicy? LoadBalancing { get; init; }

    /// <summary>Set for an InferencePool: the service that picks the endpoint of each request.</summary>
    public EndpointPicker? EndpointPicker { get; init; }
}
