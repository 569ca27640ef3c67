using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// An Istio VirtualService or DestinationRule (<see cref="IstioKind"/>). The spec stays raw JSON: the processor reads it field
/// by field, so a field of the wrong type or one the gateway does not know is reported for this object instead of failing the
/// whole watch.
/// </summary>
internal sealed class IstioObject : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public JsonElement Spec { get; set; }
}
