namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>The Service of a pool's endpoint picker, its port, and what happens to requests when the picker fails.</summary>
internal sealed class EndpointPickerRef
{
    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The picker's gRPC port; 9002 when unset, as the API says.</summary>
    public InferencePoolPort? Port { get; set; }

    public string? FailureMode { get; set; }
}
