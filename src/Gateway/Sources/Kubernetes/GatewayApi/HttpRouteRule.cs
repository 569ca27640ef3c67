namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpRouteRule
{
    public string? Name { get; set; }

    public IList<HttpRouteMatch>? Matches { get; set; }

    public IList<HttpRouteFilter>? Filters { get; set; }

    public IList<HttpBackendRef>? BackendRefs { get; set; }

    public HttpRouteTimeouts? Timeouts { get; set; }
}
