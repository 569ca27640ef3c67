using System.Collections.Immutable;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>A listener of one of our Gateways while a rebuild runs: whether routes may attach, and how many did.</summary>
internal sealed class ListenerState(GatewayObject gateway, GatewayListener listener)
{
    public GatewayObject Gateway { get; } = gateway;

    public GatewayListener Listener { get; } = listener;

    /// <summary>Null when routes may attach; otherwise the condition that says why not.</summary>
    public V1Condition? NotAccepted { get; set; }

    /// <summary>Null when every reference resolves; otherwise the ResolvedRefs=False condition.</summary>
    public V1Condition? UnresolvedRefs { get; set; }

    public ImmutableArray<RouteGroupKind> SupportedKinds { get; set; } = [];

    public int AttachedRoutes { get; set; }

    public bool IsUsable => NotAccepted is null && UnresolvedRefs is null;
}
