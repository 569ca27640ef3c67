using System.Text.Json;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>List and watch of the Gateway API kinds through the custom-objects API, typed with the gateway's own models.</summary>
internal static class GatewayApiQueries
{
    public static WatchTarget<GatewayClassObject> GatewayClasses(IKubernetes client) =>
        For<GatewayClassObject>(client, GatewayApiGroup.V1, GatewayApiGroup.GatewayClasses, null);

    public static WatchTarget<GatewayObject> Gateways(IKubernetes client, string? ns) =>
        For<GatewayObject>(client, GatewayApiGroup.V1, GatewayApiGroup.Gateways, ns);

    public static WatchTarget<HttpRouteObject> HttpRoutes(IKubernetes client, string? ns) =>
        For<HttpRouteObject>(client, GatewayApiGroup.V1, GatewayApiGroup.HttpRoutes, ns);

    public static WatchTarget<ReferenceGrantObject> ReferenceGrants(IKubernetes client, string? ns) =>
        For<ReferenceGrantObject>(client, GatewayApiGroup.V1Beta1, GatewayApiGroup.ReferenceGrants, ns);

    public static WatchTarget<V1Namespace> Namespaces(IKubernetes client) => new(
        "namespaces",
        async ct =>
        {
            var list = await client.CoreV1.ListNamespaceAsync(cancellationToken: ct);
            return new ResourceList<V1Namespace>([.. list.Items], list.Metadata.ResourceVersion);
        },
        (rv, ct) => KubernetesQueries.Stream(onError =>
            client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)));

    /// <summary>A namespaced kind in one namespace or all of them; a cluster-scoped kind when <paramref name="ns"/> is null and it has no namespace.</summary>
    private static WatchTarget<T> For<T>(IKubernetes client, string version, string plural, string? ns)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var clusterScoped = plural == GatewayApiGroup.GatewayClasses;
        var description = clusterScoped ? plural : ns is null ? $"{plural} in all namespaces" : $"{plural} in namespace '{ns}'";

        return new WatchTarget<T>(
            description,
            async ct =>
            {
                using var response = ns is null
                    ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<GatewayApiList<T>>(GatewayApiGroup.Name, version, plural, cancellationToken: ct)
                    : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<GatewayApiList<T>>(GatewayApiGroup.Name, version, ns, plural, cancellationToken: ct);
                return new ResourceList<T>([.. response.Body.Items], response.Body.Metadata.ResourceVersion);
            },
            (rv, ct) => Typed<T>(KubernetesQueries.Stream(onError => ns is null
                ? client.CustomObjects.WatchListClusterCustomObjectAsync(GatewayApiGroup.Name, version, plural, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)
                : client.CustomObjects.WatchListNamespacedCustomObjectAsync(GatewayApiGroup.Name, version, ns, plural, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct))));
    }

    /// <summary>The custom-objects watch hands out untyped JSON; each event's object is read into the gateway's model.</summary>
    private static async IAsyncEnumerable<(WatchEventType, T)> Typed<T>(IAsyncEnumerable<(WatchEventType Type, object Object)> events)
    {
        await foreach (var (type, item) in events)
        {
            var json = item is JsonElement element ? element.GetRawText() : KubernetesJson.Serialize(item);
            yield return (type, KubernetesJson.Deserialize<T>(json));
        }
    }
}
