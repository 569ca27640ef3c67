namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>The status of an InferencePool: one entry per Gateway whose routes use it.</summary>
internal sealed class InferencePoolStatus
{
    public IList<InferencePoolParentStatus>? Parents { get; set; }
}
