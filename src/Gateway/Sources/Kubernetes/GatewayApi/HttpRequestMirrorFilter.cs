namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpRequestMirrorFilter
{
    public ObjectReference? BackendRef { get; set; }

    public int? Percent { get; set; }

    public MirrorFraction? Fraction { get; set; }
}
