namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>The pods of a pool (by label, in the pool's namespace), the port they serve on, and the pool's endpoint picker.</summary>
internal sealed class InferencePoolSpec
{
    public InferencePoolSelector? Selector { get; set; }

    public IList<InferencePoolPort>? TargetPorts { get; set; }

    public EndpointPickerRef? EndpointPickerRef { get; set; }
}
