namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpRouteMatch
{
    public HttpPathMatch? Path { get; set; }

    public IList<HttpValueMatch>? Headers { get; set; }

    public IList<HttpValueMatch>? QueryParams { get; set; }

    public string? Method { get; set; }
}
