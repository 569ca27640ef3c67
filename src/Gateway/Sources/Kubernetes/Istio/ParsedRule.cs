namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>A DestinationRule as the gateway reads it, kept while the object is unchanged.</summary>
/// <param name="Namespace">The namespace of the Service its host names.</param>
/// <param name="Service">The name of that Service; null when the host is not a Service of the cluster.</param>
/// <param name="Blocked">True when the rule's own traffic policy has an unsupported setting.</param>
internal sealed record ParsedRule(
    IstioObject Rule,
    ObjectReport Report,
    string Namespace,
    string? Service,
    TrafficSettings Settings,
    bool Blocked,
    IReadOnlyDictionary<string, ParsedSubset> Subsets);
