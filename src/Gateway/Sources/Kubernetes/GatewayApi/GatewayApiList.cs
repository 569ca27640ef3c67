using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>A list response of one Gateway API kind.</summary>
internal sealed class GatewayApiList<T> : IKubernetesObject<V1ListMeta>, IItems<T>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ListMeta Metadata { get; set; } = new();

    public IList<T> Items { get; set; } = [];
}
