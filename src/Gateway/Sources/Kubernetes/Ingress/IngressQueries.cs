using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>The list and watch calls of Ingresses (all namespaces or one) and IngressClasses (cluster-scoped).</summary>
internal static class IngressQueries
{
    public static WatchTarget<V1Ingress> Ingresses(IKubernetes client, string? ns) => new(
        ns is null ? "ingresses in all namespaces" : $"ingresses in namespace '{ns}'",
        async ct =>
        {
            var list = ns is null
                ? await client.NetworkingV1.ListIngressForAllNamespacesAsync(cancellationToken: ct)
                : await client.NetworkingV1.ListNamespacedIngressAsync(ns, cancellationToken: ct);
            return new ResourceList<V1Ingress>([.. list.Items], list.Metadata.ResourceVersion);
        },
        (rv, ct) => KubernetesQueries.Stream(onError => ns is null
            ? client.NetworkingV1.WatchListIngressForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)
            : client.NetworkingV1.WatchListNamespacedIngressAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)));

    public static WatchTarget<V1IngressClass> IngressClasses(IKubernetes client) => new(
        "ingressclasses",
        async ct =>
        {
            var list = await client.NetworkingV1.ListIngressClassAsync(cancellationToken: ct);
            return new ResourceList<V1IngressClass>([.. list.Items], list.Metadata.ResourceVersion);
        },
        (rv, ct) => KubernetesQueries.Stream(onError =>
            client.NetworkingV1.WatchListIngressClassAsync(allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)));
}
