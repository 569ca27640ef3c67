namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpHeader
{
    public string Name { get; set; } = "";

    public string Value { get; set; } = "";
}
