using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>The list and watch calls of the Istio kinds (through the custom-objects API) and of the pods subsets select.</summary>
internal static class IstioQueries
{
    public const string Group = "networking.istio.io";

    public static WatchTarget<T> Objects<T>(IKubernetes client, string version, string plural, string? ns)
        where T : IKubernetesObject<V1ObjectMeta> => new(
        ns is null ? $"{plural}.{Group}/{version} in all namespaces" : $"{plural}.{Group}/{version} in namespace '{ns}'",
        async ct =>
        {
            var list = ns is null
                ? await client.CustomObjects.ListCustomObjectForAllNamespacesAsync<IstioObjectList<T>>(Group, version, plural, cancellationToken: ct)
                : await client.CustomObjects.ListNamespacedCustomObjectAsync<IstioObjectList<T>>(Group, version, ns, plural, cancellationToken: ct);
            return new ResourceList<T>([.. list.Items], list.Metadata.ResourceVersion);
        },
        (rv, ct) => Typed<T>(KubernetesQueries.Stream(onError => ns is null
            ? client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(Group, version, plural, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)
            : client.CustomObjects.WatchListNamespacedCustomObjectAsync(Group, version, ns, plural, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct))));

    /// <summary>The pods of one subset: label-selected and namespace-scoped, so the gateway never lists every pod.</summary>
    public static WatchTarget<V1Pod> Pods(IKubernetes client, PodSelector selector) => new(
        $"pods '{selector.LabelSelector}' in namespace '{selector.Namespace}'",
        async ct =>
        {
            var list = await client.CoreV1.ListNamespacedPodAsync(selector.Namespace, labelSelector: selector.LabelSelector, cancellationToken: ct);
            return new ResourceList<V1Pod>([.. list.Items], list.Metadata.ResourceVersion);
        },
        (rv, ct) => KubernetesQueries.Stream(onError =>
            client.CoreV1.WatchListNamespacedPodAsync(selector.Namespace, allowWatchBookmarks: true, labelSelector: selector.LabelSelector, resourceVersion: rv, onError: onError, cancellationToken: ct)));

    /// <summary>The custom-objects watch hands out untyped JSON; each event becomes the kind's type.</summary>
    private static async IAsyncEnumerable<(WatchEventType, T)> Typed<T>(IAsyncEnumerable<(WatchEventType, object)> events)
    {
        await foreach (var (type, item) in events)
        {
            yield return (type, KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(item)));
        }
    }
}
