namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpRequestRedirectFilter
{
    public string? Scheme { get; set; }

    public string? Hostname { get; set; }

    public HttpPathModifier? Path { get; set; }

    public int? Port { get; set; }

    public int? StatusCode { get; set; }
}
