namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class AllowedRoutes
{
    public RouteNamespaces? Namespaces { get; set; }

    public IList<RouteGroupKind>? Kinds { get; set; }
}
