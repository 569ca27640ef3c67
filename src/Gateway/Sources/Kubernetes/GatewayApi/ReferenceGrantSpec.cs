namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class ReferenceGrantSpec
{
    public IList<ReferenceGrantFrom>? From { get; set; }

    public IList<ReferenceGrantTo>? To { get; set; }
}
