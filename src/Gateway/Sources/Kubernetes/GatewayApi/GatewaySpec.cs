namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class GatewaySpec
{
    public string GatewayClassName { get; set; } = "";

    public IList<GatewayListener>? Listeners { get; set; }
}
