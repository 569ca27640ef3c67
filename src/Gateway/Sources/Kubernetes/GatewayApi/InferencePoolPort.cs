namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>A port the pool's model servers listen on.</summary>
internal sealed class InferencePoolPort
{
    public int Number { get; set; }
}
