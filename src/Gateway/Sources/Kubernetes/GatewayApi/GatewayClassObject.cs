using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>A gateway.networking.k8s.io/v1 GatewayClass (cluster-scoped), with the fields the gateway reads.</summary>
internal sealed class GatewayClassObject : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public GatewayClassSpec Spec { get; set; } = new();

    public ConditionsStatus? Status { get; set; }
}
