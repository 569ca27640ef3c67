using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class RouteParentStatus
{
    public ObjectReference ParentRef { get; set; } = new();

    public string ControllerName { get; set; } = "";

    public IList<V1Condition> Conditions { get; set; } = [];
}
