namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>An entry of a Gateway's <c>status.addresses</c>: <c>IPAddress</c> or <c>Hostname</c>.</summary>
internal sealed class GatewayStatusAddress
{
    public string Type { get; set; } = "";

    public string Value { get; set; } = "";
}
