using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>An inference.networking.k8s.io/v1 InferencePool, with the fields the gateway reads.</summary>
internal sealed class InferencePoolObject : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public InferencePoolSpec Spec { get; set; } = new();

    public InferencePoolStatus? Status { get; set; }
}
