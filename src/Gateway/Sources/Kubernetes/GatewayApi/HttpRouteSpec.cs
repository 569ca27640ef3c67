namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpRouteSpec
{
    public IList<ObjectReference>? ParentRefs { get; set; }

    public IList<string>? Hostnames { get; set; }

    public IList<HttpRouteRule>? Rules { get; set; }
}
