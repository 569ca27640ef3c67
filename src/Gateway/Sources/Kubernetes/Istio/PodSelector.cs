namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>The pods of one namespace that carry all of a subset's labels: one label-selected, namespace-scoped pod watch.</summary>
/// <param name="LabelSelector">The labels as a Kubernetes selector, <c>key=value</c> pairs in key order, comma-separated.</param>
internal sealed record PodSelector(string Namespace, string LabelSelector)
{
    public static PodSelector For(string ns, IReadOnlyDictionary<string, string> labels) =>
        new(ns, string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
}
