using System.Runtime.ExceptionServices;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>The list and watch calls of each kind the gateway reads, for all namespaces or one.</summary>
internal static class KubernetesQueries
{
    public const string ExposeSelector = ServiceAnnotations.ExposeLabel + "=true";

    public const string TlsSecretSelector = "type=kubernetes.io/tls";

    /// <summary>Whether <paramref name="service"/> matches <see cref="ExposeSelector"/>, for Services listed without it.</summary>
    public static bool IsExposed(V1Service service) =>
        service.Metadata.Labels is { } labels && labels.TryGetValue(ServiceAnnotations.ExposeLabel, out var value) && value == "true";

    public static WatchTarget<V1Service> Services(IKubernetes client, string? ns) => new(
        ns is null ? "services in all namespaces" : $"services in namespace '{ns}'",
        async ct =>
        {
            var list = ns is null
                ? await client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: ExposeSelector, cancellationToken: ct)
                : await client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: ExposeSelector, cancellationToken: ct);
            return new ResourceList<V1Service>([.. list.Items], list.Metadata.ResourceVersion);
        },
        (rv, ct) => Stream(onError => ns is null
            ? client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: ExposeSelector, resourceVersion: rv, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, labelSelector: ExposeSelector, resourceVersion: rv, onError: onError, cancellationToken: ct)));

    /// <summary>Every Service, labelled or not: the ones Ingress, HTTPRoute and VirtualService backends name.</summary>
    public static WatchTarget<V1Service> AllServices(IKubernetes client, string? ns) => new(
        ns is null ? "all services in all namespaces" : $"all services in namespace '{ns}'",
        async ct =>
        {
            var list = ns is null
                ? await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct)
                : await client.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: ct);
            return new ResourceList<V1Service>([.. list.Items], list.Metadata.ResourceVersion);
        },
        (rv, ct) => Stream(onError => ns is null
            ? client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)));

    /// <summary>
    /// All EndpointSlices: a slice carries its Service's name but not necessarily its labels, so slices are matched to
    /// exposed Services when the model is built.
    /// </summary>
    public static WatchTarget<V1EndpointSlice> EndpointSlices(IKubernetes client, string? ns) => new(
        ns is null ? "endpointslices in all namespaces" : $"endpointslices in namespace '{ns}'",
        async ct =>
        {
            var list = ns is null
                ? await client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(cancellationToken: ct)
                : await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, cancellationToken: ct);
            return new ResourceList<V1EndpointSlice>([.. list.Items], list.Metadata.ResourceVersion);
        },
        (rv, ct) => Stream(onError => ns is null
            ? client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)
            : client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, onError: onError, cancellationToken: ct)));

    public static WatchTarget<V1ConfigMap> ConfigMap(IKubernetes client, string ns, string name)
    {
        var selector = "metadata.name=" + name;
        return new(
            $"configmap '{ns}/{name}'",
            async ct =>
            {
                var list = await client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: selector, cancellationToken: ct);
                return new ResourceList<V1ConfigMap>([.. list.Items], list.Metadata.ResourceVersion);
            },
            (rv, ct) => Stream(onError =>
                client.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, fieldSelector: selector, resourceVersion: rv, onError: onError, cancellationToken: ct)));
    }

    /// <summary>
    /// The Secrets labelled <see cref="ApiKeySecret.Selector"/>, turned into <see cref="ApiKeySecret"/>s (hashed) as
    /// they arrive so no cache ever holds a key.
    /// </summary>
    public static WatchTarget<ApiKeySecret> ApiKeySecrets(IKubernetes client, string? ns) => new(
        ns is null ? "api-key secrets in all namespaces" : $"api-key secrets in namespace '{ns}'",
        async ct =>
        {
            var list = ns is null
                ? await client.CoreV1.ListSecretForAllNamespacesAsync(labelSelector: ApiKeySecret.Selector, cancellationToken: ct)
                : await client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: ApiKeySecret.Selector, cancellationToken: ct);
            return new ResourceList<ApiKeySecret>([.. list.Items.Select(ApiKeySecret.From)], list.Metadata.ResourceVersion);
        },
        (rv, ct) => Hashed(Stream(onError => ns is null
            ? client.CoreV1.WatchListSecretForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: ApiKeySecret.Selector, resourceVersion: rv, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedSecretAsync(ns, allowWatchBookmarks: true, labelSelector: ApiKeySecret.Selector, resourceVersion: rv, onError: onError, cancellationToken: ct))));

    private static async IAsyncEnumerable<(WatchEventType, ApiKeySecret)> Hashed(IAsyncEnumerable<(WatchEventType Type, V1Secret Secret)> events)
    {
        await foreach (var (type, secret) in events)
        {
            yield return (type, ApiKeySecret.From(secret));
        }
    }

    /// <summary>
    /// Secrets of type kubernetes.io/tls only: the field selector keeps every other Secret (tokens, passwords) out of the
    /// gateway's memory. RBAC cannot narrow by type or by names that Ingresses choose later, so the rule is list/watch.
    /// </summary>
    public static WatchTarget<V1Secret> TlsSecrets(IKubernetes client, string? ns) => new(
        ns is null ? "tls secrets in all namespaces" : $"tls secrets in namespace '{ns}'",
        async ct =>
        {
            var list = ns is null
                ? await client.CoreV1.ListSecretForAllNamespacesAsync(fieldSelector: TlsSecretSelector, cancellationToken: ct)
                : await client.CoreV1.ListNamespacedSecretAsync(ns, fieldSelector: TlsSecretSelector, cancellationToken: ct);
            return new ResourceList<V1Secret>([.. list.Items], list.Metadata.ResourceVersion);
        },
        (rv, ct) => Stream(onError => ns is null
            ? client.CoreV1.WatchListSecretForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: TlsSecretSelector, resourceVersion: rv, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedSecretAsync(ns, allowWatchBookmarks: true, fieldSelector: TlsSecretSelector, resourceVersion: rv, onError: onError, cancellationToken: ct)));

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
}
