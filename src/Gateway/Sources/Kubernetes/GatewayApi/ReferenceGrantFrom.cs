namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class ReferenceGrantFrom
{
    public string Group { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Namespace { get; set; } = "";
}
