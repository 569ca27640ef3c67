namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class ReferenceGrantTo
{
    public string Group { get; set; } = "";

    public string Kind { get; set; } = "";

    public string? Name { get; set; }
}
