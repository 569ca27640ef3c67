namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpRouteStatus
{
    public IList<RouteParentStatus>? Parents { get; set; }
}
