using k8s;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>The API group of InferencePools and their list and watch calls (through the custom-objects API).</summary>
internal static class InferencePoolQueries
{
    public const string Group = "inference.networking.k8s.io";
    public const string V1 = "v1";
    public const string Kind = "InferencePool";
    public const string Plural = "inferencepools";

    /// <summary>The pools, each carrying its kind and version (Warning Events name them; list items may leave them out).</summary>
    public static WatchTarget<InferencePoolObject> Pools(IKubernetes client, string version, string? ns) =>
        KubernetesQueries.Select(
            CustomObjectQueries.For<InferencePoolObject>(client, Group, version, Plural, ns, KubernetesQueries.Describe($"{Plural}.{Group}/{version}", ns)),
            pool =>
            {
                pool.Kind = Kind;
                pool.ApiVersion = $"{Group}/{version}";
                return pool;
            }) with
        { Kind = Kind };
}
