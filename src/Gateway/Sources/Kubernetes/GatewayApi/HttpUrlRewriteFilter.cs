namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpUrlRewriteFilter
{
    public string? Hostname { get; set; }

    public HttpPathModifier? Path { get; set; }
}
