namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class GatewayClassSpec
{
    public string ControllerName { get; set; } = "";
}
