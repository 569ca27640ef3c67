using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class ListenerStatus
{
    public string Name { get; set; } = "";

    public IList<RouteGroupKind> SupportedKinds { get; set; } = [];

    public int AttachedRoutes { get; set; }

    public IList<V1Condition> Conditions { get; set; } = [];
}
