using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>A status made of conditions only (GatewayClass).</summary>
internal sealed class ConditionsStatus
{
    public IList<V1Condition>? Conditions { get; set; }
}
