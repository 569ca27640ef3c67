namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class RouteGroupKind
{
    public string? Group { get; set; }

    public string Kind { get; set; } = "";
}
