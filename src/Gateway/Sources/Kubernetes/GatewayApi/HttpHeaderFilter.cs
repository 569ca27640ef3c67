namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpHeaderFilter
{
    public IList<HttpHeader>? Set { get; set; }

    public IList<HttpHeader>? Add { get; set; }

    public IList<string>? Remove { get; set; }
}
