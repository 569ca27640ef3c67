using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class GatewayStatus
{
    /// <summary>Where clients reach the gateway (<see cref="PublishedAddresses"/>); left out while none is known.</summary>
    public IList<GatewayStatusAddress>? Addresses { get; set; }

    public IList<V1Condition>? Conditions { get; set; }

    public IList<ListenerStatus>? Listeners { get; set; }
}
