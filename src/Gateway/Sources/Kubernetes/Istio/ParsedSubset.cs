namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>A DestinationRule subset: the pod labels it selects and its traffic settings (already over the rule's).</summary>
/// <param name="Blocked">True when its traffic policy has an unsupported setting: routes to it are left out.</param>
internal sealed record ParsedSubset(string Name, IReadOnlyDictionary<string, string> Labels, TrafficSettings Settings, bool Blocked);
