namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class MirrorFraction
{
    public int Numerator { get; set; }

    public int? Denominator { get; set; }
}
