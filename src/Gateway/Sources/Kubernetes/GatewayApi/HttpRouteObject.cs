using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>A gateway.networking.k8s.io/v1 HTTPRoute, with the fields the gateway reads.</summary>
internal sealed class HttpRouteObject : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public HttpRouteSpec Spec { get; set; } = new();

    public HttpRouteStatus? Status { get; set; }
}
