using k8s.Models;
using static Gateway.Sources.Kubernetes.GatewayApi.GatewayApiConditions;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// Attaches an HTTPRoute to the listeners one of its parentRefs selects (by sectionName and port), keeping those that
/// allow the route's namespace and kind and share a hostname with it.
/// </summary>
internal static class RouteAttachment
{
    /// <param name="attached">Receives each listener the route attaches to, with the hostnames it serves there (empty: any).</param>
    /// <returns>Null when the route attaches; otherwise the Accepted=False condition.</returns>
    public static V1Condition? Attach(
        HttpRouteObject route,
        ObjectReference parentRef,
        IReadOnlyList<ListenerState> listeners,
        Func<string, IDictionary<string, string>?> namespaceLabels,
        List<(ListenerState Listener, IReadOnlyList<string> Hostnames)> attached)
    {
        var generation = route.Metadata.Generation;
        var selected = listeners
            .Where(l => (parentRef.SectionName is null || l.Listener.Name == parentRef.SectionName) && (parentRef.Port is null || l.Listener.Port == parentRef.Port))
            .ToArray();
        if (selected.Length == 0)
        {
            var what = parentRef.SectionName is null ? "" : $" named '{parentRef.SectionName}'";
            var port = parentRef.Port is null ? "" : $" on port {parentRef.Port}";
            return Condition(Accepted, false, NoMatchingParent, $"the Gateway has no listener{what}{port}", generation);
        }

        var allowed = selected.Where(l => l.IsUsable && Allows(l, route, namespaceLabels)).ToArray();
        if (allowed.Length == 0)
        {
            return Condition(Accepted, false, NotAllowedByListeners, $"{(selected.Length == 1 ? $"listener '{selected[0].Listener.Name}' of the Gateway does not allow" : "none of the Gateway's listeners allows")} HTTPRoutes from namespace '{route.Metadata.NamespaceProperty}'", generation);
        }

        var before = attached.Count;
        foreach (var listener in allowed)
        {
            if (HostnameIntersection.Of(listener.Listener.Hostname, route.Spec.Hostnames) is { } hostnames)
            {
                attached.Add((listener, hostnames));
            }
        }

        return attached.Count > before
            ? null
            : Condition(Accepted, false, NoMatchingListenerHostname, $"none of the route's hostnames ({string.Join(", ", route.Spec.Hostnames ?? [])}) matches a listener hostname ({string.Join(", ", allowed.Select(l => l.Listener.Hostname))})", generation);
    }

    private static bool Allows(ListenerState listener, HttpRouteObject route, Func<string, IDictionary<string, string>?> namespaceLabels)
    {
        if (listener.SupportedKinds.IsEmpty)
        {
            return false;
        }

        var routeNamespace = route.Metadata.NamespaceProperty;
        var from = listener.Listener.AllowedRoutes?.Namespaces;
        return (from?.From ?? "Same") switch
        {
            "All" => true,
            "Selector" => LabelSelectorMatcher.Matches(from!.Selector, namespaceLabels(routeNamespace)),
            _ => routeNamespace == listener.Gateway.Metadata.NamespaceProperty,
        };
    }
}
