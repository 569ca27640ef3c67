namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>An Istio kind the gateway reads (networking.istio.io): its name and its resource.</summary>
internal sealed record IstioKind(string Kind, string Plural)
{
    public static readonly IstioKind VirtualService = new("VirtualService", "virtualservices");

    public static readonly IstioKind DestinationRule = new("DestinationRule", "destinationrules");
}
