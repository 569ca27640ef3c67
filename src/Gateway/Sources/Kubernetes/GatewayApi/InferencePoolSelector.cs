namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>The labels a pod must carry, all of them, to be a member of the pool.</summary>
internal sealed class InferencePoolSelector
{
    public IDictionary<string, string>? MatchLabels { get; set; }
}
