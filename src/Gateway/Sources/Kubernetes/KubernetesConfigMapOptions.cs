namespace Gateway.Sources.Kubernetes;

/// <summary>The one ConfigMap read through the API whose <see cref="Key"/> holds the JSON of a <c>Gateway</c> section.</summary>
internal sealed class KubernetesConfigMapOptions
{
    /// <summary>Null: no ConfigMap is watched.</summary>
    public string? Name { get; set; }

    /// <summary>Null: the namespace of the kubeconfig context, or the pod's own namespace in a cluster.</summary>
    public string? Namespace { get; set; }

    public string Key { get; set; } = "gateway.json";
}
