namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class GatewayListener
{
    public string Name { get; set; } = "";

    public string? Hostname { get; set; }

    public int Port { get; set; }

    public string Protocol { get; set; } = "";

    public GatewayTlsConfig? Tls { get; set; }

    public AllowedRoutes? AllowedRoutes { get; set; }
}
