namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpBackendRef
{
    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string Name { get; set; } = "";

    public string? Namespace { get; set; }

    public int? Port { get; set; }

    public int? Weight { get; set; }

    public IList<HttpRouteFilter>? Filters { get; set; }
}
