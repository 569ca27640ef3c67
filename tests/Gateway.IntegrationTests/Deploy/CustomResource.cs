using k8s.Models;

namespace Gateway.IntegrationTests.Deploy;

/// <summary>A Gateway API object (a CRD the client has no model for): its envelope is checked strictly, its spec is kept as data.</summary>
public sealed class CustomResource
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public Dictionary<string, object> Spec { get; set; } = [];
}
