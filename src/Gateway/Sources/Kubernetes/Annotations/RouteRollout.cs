using Gateway.Model;

namespace Gateway.Sources.Kubernetes.Annotations;

/// <summary>A rollout declared on an HTTPRoute or a VirtualService: it runs on each of its rules that split traffic.</summary>
/// <param name="Canary">What <c>mlgateway.io/rollout-canary</c> names; null picks the lower-weighted of two backends.</param>
internal sealed record RouteRollout(RolloutPolicy Policy, string? Canary);
