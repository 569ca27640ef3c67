namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>A reference to an object by group, kind, namespace and name (certificateRefs, parentRefs, backendRefs).</summary>
internal sealed class ObjectReference
{
    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string Name { get; set; } = "";

    public string? Namespace { get; set; }

    public string? SectionName { get; set; }

    public int? Port { get; set; }
}
