using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// An Istio VirtualService (networking.istio.io). The spec stays raw JSON: the processor reads it field by field, so a field of
/// the wrong type or one the gateway does not know is reported for this object instead of failing the whole watch.
/// </summary>
internal sealed class VirtualService : IKubernetesObject<V1ObjectMeta>
{
    public const string Plural = "virtualservices";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "VirtualService";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public JsonElement Spec { get; set; }
}
