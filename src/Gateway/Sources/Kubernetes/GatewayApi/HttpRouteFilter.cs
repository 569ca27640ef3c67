namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpRouteFilter
{
    public string Type { get; set; } = "";

    public HttpHeaderFilter? RequestHeaderModifier { get; set; }

    public HttpHeaderFilter? ResponseHeaderModifier { get; set; }

    public HttpRequestRedirectFilter? RequestRedirect { get; set; }

    public HttpUrlRewriteFilter? UrlRewrite { get; set; }

    public HttpRequestMirrorFilter? RequestMirror { get; set; }
}
