using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>How one Gateway sees an InferencePool: Accepted and ResolvedRefs.</summary>
internal sealed class InferencePoolParentStatus
{
    public ObjectReference ParentRef { get; set; } = new();

    public IList<V1Condition> Conditions { get; set; } = [];
}
