using Gateway.Sources.Kubernetes.Annotations;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Which backend of a rule that splits traffic is the canary of the rollout its HTTPRoute or VirtualService declares:
/// the one <c>mlgateway.io/rollout-canary</c> names, else, of exactly two backends, the one with the lower weight (the
/// 90/10 or 100/0 a canary starts from). Anything else is ambiguous and refused, so the gateway never steps the share of
/// a backend the user did not mean; the other backends are the primary.
/// </summary>
internal static class SplitCanary
{
    /// <param name="named">The annotation's value, or null.</param>
    /// <param name="backends">Each backend of the rule: how messages show it, the names the annotation may give it, its declared weight.</param>
    /// <returns>The canary's index, or -1 with the reason in <paramref name="problem"/>.</returns>
    public static int Choose(string? named, IReadOnlyList<(string Shown, string[] Names, int Weight)> backends, out string problem)
    {
        problem = "";
        if (named is not null)
        {
            var found = -1;
            for (var i = 0; i < backends.Count; i++)
            {
                if (Array.IndexOf(backends[i].Names, named) < 0)
                {
                    continue;
                }

                if (found >= 0)
                {
                    problem = $"'{named}' ({MlGatewayAnnotations.RolloutCanary}) names more than one backend of this rule ({List(backends)}); name the canary so that only one matches";
                    return -1;
                }

                found = i;
            }

            if (found < 0)
            {
                problem = $"splits traffic under a rollout but has no backend '{named}', the canary {MlGatewayAnnotations.RolloutCanary} names; its backends: {List(backends)}";
            }

            return found;
        }

        if (backends.Count != 2)
        {
            problem = $"splits traffic between {backends.Count} backends ({List(backends)}) under a rollout: name the canary with {MlGatewayAnnotations.RolloutCanary}";
            return -1;
        }

        if (backends[0].Weight == backends[1].Weight)
        {
            problem = $"gives both backends weight {backends[0].Weight} ({List(backends)}) under a rollout: name the canary with {MlGatewayAnnotations.RolloutCanary}, or give it the lower weight";
            return -1;
        }

        return backends[0].Weight < backends[1].Weight ? 0 : 1;
    }

    private static string List(IReadOnlyList<(string Shown, string[] Names, int Weight)> backends)
    {
        var shown = new string[backends.Count];
        for (var i = 0; i < shown.Length; i++)
        {
            shown[i] = $"{backends[i].Shown} weight {backends[i].Weight}";
        }

        return string.Join(", ", shown);
    }
}
