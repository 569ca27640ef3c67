using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>A list response of one custom resource kind (Gateway API, Istio), read into the gateway's own type.</summary>
internal sealed class CustomObjectList<T> : IKubernetesObject<V1ListMeta>, IItems<T>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ListMeta Metadata { get; set; } = new();

    public IList<T> Items { get; set; } = [];
}
