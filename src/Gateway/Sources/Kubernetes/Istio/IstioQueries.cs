using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>The list and watch calls of the Istio kinds (through the custom-objects API) and of the pods subsets select.</summary>
internal static class IstioQueries
{
    public const string Group = "networking.istio.io";

    /// <summary>One kind's objects, each carrying the kind it was watched as (Warning Events name it).</summary>
    public static WatchTarget<IstioObject> Objects(IKubernetes client, IstioKind kind, string version, string? ns)
    {
        var target = KubernetesQueries.Select(
            CustomObjectQueries.For<IstioObject>(client, Group, version, kind.Plural, ns, KubernetesQueries.Describe($"{kind.Plural}.{Group}/{version}", ns)),
            item =>
            {
                item.Kind = kind.Kind;
                return item;
            });
        return target with { Kind = kind.Kind };
    }

    /// <summary>The pods of one subset: label-selected and namespace-scoped, so the gateway never lists every pod.</summary>
    public static WatchTarget<V1Pod> Pods(IKubernetes client, PodSelector selector) => KubernetesQueries.Query<V1Pod, V1PodList>(
        $"pods '{selector.LabelSelector}' in namespace '{selector.Namespace}'",
        ct => client.CoreV1.ListNamespacedPodAsync(selector.Namespace, labelSelector: selector.LabelSelector, cancellationToken: ct),
        (rv, onError, ct) =>
            client.CoreV1.WatchListNamespacedPodAsync(selector.Namespace, allowWatchBookmarks: true, labelSelector: selector.LabelSelector, resourceVersion: rv, onError: onError, cancellationToken: ct));
}
