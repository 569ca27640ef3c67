using Gateway.Model;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>The canary annotations of a canary Ingress (<c>canary: "true"</c>), which joins the main Ingress of the same host and path.</summary>
internal sealed record IngressCanary
{
    /// <summary>Share of requests, out of <see cref="WeightTotal"/>, that go to the canary.</summary>
    public int Weight { get; init; }

    public int WeightTotal { get; init; } = 100;

    public string? Header { get; init; }

    public string? HeaderValue { get; init; }

    public string? HeaderPattern { get; init; }

    public string? Cookie { get; init; }

    /// <summary>The rollout that steps the canary's share, from the <c>mlgateway.io/rollout-*</c> annotations; it replaces the weight.</summary>
    public RolloutPolicy? Rollout { get; init; }
}
