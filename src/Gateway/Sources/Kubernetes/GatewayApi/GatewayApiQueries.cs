using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>List and watch of the Gateway API kinds through the custom-objects API, typed with the gateway's own models.</summary>
internal static class GatewayApiQueries
{
    public static WatchTarget<GatewayClassObject> GatewayClasses(IKubernetes client) =>
        CustomObjectQueries.For<GatewayClassObject>(client, GatewayApiGroup.Name, GatewayApiGroup.V1, GatewayApiGroup.GatewayClasses, null, GatewayApiGroup.GatewayClasses);

    public static WatchTarget<GatewayObject> Gateways(IKubernetes client, string? ns) =>
        For<GatewayObject>(client, GatewayApiGroup.V1, GatewayApiGroup.Gateways, ns);

    public static WatchTarget<HttpRouteObject> HttpRoutes(IKubernetes client, string? ns) =>
        For<HttpRouteObject>(client, GatewayApiGroup.V1, GatewayApiGroup.HttpRoutes, ns);

    public static WatchTarget<ReferenceGrantObject> ReferenceGrants(IKubernetes client, string? ns) =>
        For<ReferenceGrantObject>(client, GatewayApiGroup.V1Beta1, GatewayApiGroup.ReferenceGrants, ns);

    public static WatchTarget<V1Namespace> Namespaces(IKubernetes client) => KubernetesQueries.Query<V1Namespace, V1NamespaceList>(
        "namespaces",
        ct => client.CoreV1.ListNamespaceAsync(cancellationToken: ct),
        (rv, onError, ct) => client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct));

    /// <summary>A namespaced kind in one namespace or all of them.</summary>
    private static WatchTarget<T> For<T>(IKubernetes client, string version, string plural, string? ns) =>
        CustomObjectQueries.For<T>(client, GatewayApiGroup.Name, version, plural, ns, KubernetesQueries.Describe(plural, ns));
}
