using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>A gateway.networking.k8s.io/v1beta1 ReferenceGrant: lets objects of other namespaces refer to objects of its own.</summary>
internal sealed class ReferenceGrantObject : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public ReferenceGrantSpec Spec { get; set; } = new();
}
