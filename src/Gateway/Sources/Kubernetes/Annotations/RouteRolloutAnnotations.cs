using System.Collections.Immutable;
using Gateway.Model;

namespace Gateway.Sources.Kubernetes.Annotations;

/// <summary>
/// Reads the rollout an HTTPRoute or a VirtualService declares on its metadata: the <c>mlgateway.io/rollout-*</c>
/// annotations of a canary Service, plus <c>mlgateway.io/rollout-canary</c>, which names the canary of the rules that split.
/// </summary>
internal static class RouteRolloutAnnotations
{
    public static ImmutableArray<string> All { get; } = [.. RolloutAnnotations.All, MlGatewayAnnotations.RolloutCanary];

    /// <summary>
    /// The rollout, or null when none of its annotations is set; the canary's name alone asks for a rollout with the
    /// defaults. Each bad value is a <paramref name="problem"/>(annotation, message).
    /// </summary>
    public static RouteRollout? Read(Func<string, string?> get, Action<string, string> problem)
    {
        var canary = get(MlGatewayAnnotations.RolloutCanary);
        if (canary is { Length: 0 })
        {
            problem(MlGatewayAnnotations.RolloutCanary, "must name the canary backend of the rules that split traffic, e.g. llama-v2");
        }

        var policy = RolloutAnnotations.Read(get, problem);
        return policy is null && canary is null
            ? null
            : new RouteRollout(policy ?? new RolloutPolicy(), string.IsNullOrEmpty(canary) ? null : canary);
    }
}
