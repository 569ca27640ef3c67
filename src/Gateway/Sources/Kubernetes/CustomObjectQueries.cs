using System.Text.Json;
using k8s;

namespace Gateway.Sources.Kubernetes;

/// <summary>List and watch of a custom resource kind through the custom-objects API, typed with the gateway's own models.</summary>
internal static class CustomObjectQueries
{
    /// <summary>A namespaced kind in one namespace or all of them; a cluster-scoped kind when <paramref name="ns"/> is null.</summary>
    public static WatchTarget<T> For<T>(IKubernetes client, string group, string version, string plural, string? ns, string description) =>
        KubernetesQueries.Query<T, CustomObjectList<T>>(
            description,
            async ct =>
            {
                using var response = ns is null
                    ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<CustomObjectList<T>>(group, version, plural, cancellationToken: ct)
                    : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CustomObjectList<T>>(group, version, ns, plural, cancellationToken: ct);
                return response.Body;
            },
            (rv, onError, ct) => Typed<T>(ns is null
                ? client.CustomObjects.WatchListClusterCustomObjectAsync(group, version, plural, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)
                : client.CustomObjects.WatchListNamespacedCustomObjectAsync(group, version, ns, plural, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)));

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
