using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>The list and watch calls of Ingresses (all namespaces or one) and IngressClasses (cluster-scoped).</summary>
internal static class IngressQueries
{
    public static WatchTarget<V1Ingress> Ingresses(IKubernetes client, string? ns) => KubernetesQueries.Query<V1Ingress, V1IngressList>(
        KubernetesQueries.Describe("ingresses", ns),
        ct => ns is null
            ? client.NetworkingV1.ListIngressForAllNamespacesAsync(cancellationToken: ct)
            : client.NetworkingV1.ListNamespacedIngressAsync(ns, cancellationToken: ct),
        (rv, onError, ct) => ns is null
            ? client.NetworkingV1.WatchListIngressForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)
            : client.NetworkingV1.WatchListNamespacedIngressAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct));

    public static WatchTarget<V1IngressClass> IngressClasses(IKubernetes client) => KubernetesQueries.Query<V1IngressClass, V1IngressClassList>(
        "ingressclasses",
        ct => client.NetworkingV1.ListIngressClassAsync(cancellationToken: ct),
        (rv, onError, ct) => client.NetworkingV1.WatchListIngressClassAsync(allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct));
}
