namespace Gateway.Model;

/// <summary>
/// The endpoint picker of an InferencePool backend: the service every request asks which of the pool's endpoints
/// serves it (Envoy external processing, as the Gateway API Inference Extension specifies).
/// </summary>
internal sealed record EndpointPicker
{
    /// <summary>The pool, <c>namespace/name</c>; answers and metrics name it.</summary>
    public required string Pool { get; init; }

    /// <summary>
    /// Base addresses of the picker's ready endpoints, e.g. <c>http://10.0.0.9:9002</c>; empty when none is ready. Live for
    /// a discovered picker Service, so a picker pod's change reaches requests without a rebuild.
    /// </summary>
    public EndpointSet Endpoints { get; init; } = EndpointSet.Empty;

    /// <summary>When the picker fails: true picks with the gateway's own balancing, false answers 503.</summary>
    public bool FailOpen { get; init; }
}
