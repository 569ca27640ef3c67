using System.Runtime.ExceptionServices;
using Gateway.Sources.Kubernetes.Annotations;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>The list and watch calls of each kind the gateway reads, for all namespaces or one.</summary>
internal static class KubernetesQueries
{
    public const string ExposeSelector = MlGatewayAnnotations.ExposeLabel + "=true";

    public const string TlsSecretSelector = "type=kubernetes.io/tls";

    /// <summary>Whether <paramref name="service"/> matches <see cref="ExposeSelector"/>, for Services listed without it.</summary>
    public static bool IsExposed(V1Service service) =>
        service.Metadata.Labels is { } labels && labels.TryGetValue(MlGatewayAnnotations.ExposeLabel, out var value) && value == "true";

    public static WatchTarget<V1Service> Services(IKubernetes client, string? ns) => ServiceQuery(client, ns, "services", ExposeSelector);

    /// <summary>Every Service, labelled or not: the ones Ingress, HTTPRoute and VirtualService backends name.</summary>
    public static WatchTarget<V1Service> AllServices(IKubernetes client, string? ns) => ServiceQuery(client, ns, "all services", labelSelector: null);

    /// <summary>
    /// All EndpointSlices: a slice carries its Service's name but not necessarily its labels, so slices are matched to
    /// exposed Services when the model is built.
    /// </summary>
    /// <remarks>Slices are compacted (<see cref="CachedObjectCompaction"/>) as they arrive.</remarks>
    public static WatchTarget<V1EndpointSlice> EndpointSlices(IKubernetes client, string? ns) => Select(
        Query<V1EndpointSlice, V1EndpointSliceList>(
            Describe("endpointslices", ns),
            ct => ns is null
                ? client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(cancellationToken: ct)
                : client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, cancellationToken: ct),
            (rv, onError, ct) => ns is null
                ? client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)
                : client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)),
        CachedObjectCompaction.Compact);

    public static WatchTarget<V1ConfigMap> ConfigMap(IKubernetes client, string ns, string name)
    {
        var selector = "metadata.name=" + name;
        return Query<V1ConfigMap, V1ConfigMapList>(
            $"configmap '{ns}/{name}'",
            ct => client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: selector, cancellationToken: ct),
            (rv, onError, ct) =>
                client.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, fieldSelector: selector, resourceVersion: rv, onError: onError, cancellationToken: ct));
    }

    /// <summary>
    /// The Secrets labelled <see cref="ApiKeySecret.Selector"/>, turned into <see cref="ApiKeySecret"/>s (hashed) as
    /// they arrive so no cache ever holds a key.
    /// </summary>
    public static WatchTarget<ApiKeySecret> ApiKeySecrets(IKubernetes client, string? ns) =>
        Select(SecretQuery(client, ns, "api-key secrets", labelSelector: ApiKeySecret.Selector, fieldSelector: null), ApiKeySecret.From);

    /// <summary>
    /// Secrets of type kubernetes.io/tls only: the field selector keeps every other Secret (tokens, passwords) out of the
    /// gateway's memory. RBAC cannot narrow by type or by names that Ingresses choose later, so the rule is list/watch.
    /// </summary>
    public static WatchTarget<V1Secret> TlsSecrets(IKubernetes client, string? ns) =>
        SecretQuery(client, ns, "tls secrets", labelSelector: null, fieldSelector: TlsSecretSelector);

    /// <summary>For logs: the resource, then where it is watched (<paramref name="ns"/> null for all namespaces).</summary>
    public static string Describe(string resource, string? ns) =>
        ns is null ? $"{resource} in all namespaces" : $"{resource} in namespace '{ns}'";

    /// <summary>
    /// The list+watch pair of any kind: <paramref name="list"/> makes the list call, whose items and resourceVersion are
    /// kept; <paramref name="watch"/> makes the watch call from a resourceVersion, with the error callback of <see cref="Stream{T}"/>.
    /// </summary>
    public static WatchTarget<T> Query<T, TList>(
        string description,
        Func<CancellationToken, Task<TList>> list,
        Func<string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch)
        where TList : IMetadata<V1ListMeta>, IItems<T> => new(
        description,
        async ct =>
        {
            var listed = await list(ct);
            return new ResourceList<T>([.. listed.Items], listed.Metadata.ResourceVersion);
        },
        (rv, ct) => Stream(onError => watch(rv, onError, ct)));

    /// <summary>The same query, each listed or watched object turned into another type as it arrives.</summary>
    public static WatchTarget<TResult> Select<T, TResult>(WatchTarget<T> target, Func<T, TResult> map) => new(
        target.Description,
        async ct =>
        {
            var listed = await target.List(ct);
            return new ResourceList<TResult>([.. listed.Items.Select(map)], listed.ResourceVersion);
        },
        (rv, ct) => Mapped(target.Watch(rv, ct), map))
    {
        Kind = target.Kind,
    };

    /// <summary>
    /// The client reports an ERROR event (e.g. 410 Gone) through its error callback and keeps reading; this turns the
    /// first error into an exception so the <see cref="WatchLoop{T}"/> can react to it.
    /// </summary>
    public static async IAsyncEnumerable<(WatchEventType, T)> Stream<T>(Func<Action<Exception>, IAsyncEnumerable<(WatchEventType, T)>> watch)
    {
        Exception? error = null;
        await foreach (var item in watch(e => error ??= e))
        {
            if (error is not null)
            {
                break;
            }

            yield return item;
        }

        if (error is not null)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>
    /// Services of all namespaces or one, narrowed by <paramref name="labelSelector"/> when given, compacted
    /// (<see cref="CachedObjectCompaction"/>) as they arrive.
    /// </summary>
    private static WatchTarget<V1Service> ServiceQuery(IKubernetes client, string? ns, string resource, string? labelSelector) => Select(
        Query<V1Service, V1ServiceList>(
            Describe(resource, ns),
            ct => ns is null
                ? client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)
                : client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: labelSelector, cancellationToken: ct),
            (rv, onError, ct) => ns is null
                ? client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: rv, onError: onError, cancellationToken: ct)
                : client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: rv, onError: onError, cancellationToken: ct)),
        CachedObjectCompaction.Compact);

    /// <summary>Secrets of all namespaces or one, narrowed by the selectors that are given.</summary>
    private static WatchTarget<V1Secret> SecretQuery(IKubernetes client, string? ns, string resource, string? labelSelector, string? fieldSelector) => Query<V1Secret, V1SecretList>(
        Describe(resource, ns),
        ct => ns is null
            ? client.CoreV1.ListSecretForAllNamespacesAsync(fieldSelector: fieldSelector, labelSelector: labelSelector, cancellationToken: ct)
            : client.CoreV1.ListNamespacedSecretAsync(ns, fieldSelector: fieldSelector, labelSelector: labelSelector, cancellationToken: ct),
        (rv, onError, ct) => ns is null
            ? client.CoreV1.WatchListSecretForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: fieldSelector, labelSelector: labelSelector, resourceVersion: rv, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedSecretAsync(ns, allowWatchBookmarks: true, fieldSelector: fieldSelector, labelSelector: labelSelector, resourceVersion: rv, onError: onError, cancellationToken: ct));

    private static async IAsyncEnumerable<(WatchEventType, TResult)> Mapped<T, TResult>(IAsyncEnumerable<(WatchEventType Type, T Object)> events, Func<T, TResult> map)
    {
        await foreach (var (type, item) in events)
        {
            yield return (type, map(item));
        }
    }
}
