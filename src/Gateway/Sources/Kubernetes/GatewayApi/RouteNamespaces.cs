using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class RouteNamespaces
{
    /// <summary><c>Same</c> (the default), <c>All</c> or <c>Selector</c>.</summary>
    public string? From { get; set; }

    public V1LabelSelector? Selector { get; set; }
}
