using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class GatewayStatus
{
    public IList<V1Condition>? Conditions { get; set; }

    public IList<ListenerStatus>? Listeners { get; set; }
}
