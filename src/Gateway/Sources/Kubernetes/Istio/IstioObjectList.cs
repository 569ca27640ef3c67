using System.Text.Json.Serialization;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>The list a custom-object list call returns.</summary>
internal sealed class IstioObjectList<T>
{
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public List<T> Items { get; set; } = [];
}
