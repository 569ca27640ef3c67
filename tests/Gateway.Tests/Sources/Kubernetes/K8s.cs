using k8s.Models;

namespace Gateway.Tests.Sources.Kubernetes;

/// <summary>Builds Kubernetes objects for processor tests.</summary>
internal static class K8s
{
    public static V1Service Service(string name, Dictionary<string, string>? annotations = null, params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "ml",
            Labels = new Dictionary<string, string> { ["mlgateway.io/expose"] = "true" },
            Annotations = annotations ?? [],
        },
        Spec = new V1ServiceSpec { Ports = ports.Length == 0 ? [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" }] : ports },
    };

    public static V1EndpointSlice Slice(string service, string? portName, int port, params V1Endpoint[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"{service}-{Guid.NewGuid():N}",
            NamespaceProperty = "ml",
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = portName, Port = port }],
        Endpoints = endpoints,
    };

    public static V1Endpoint Pod(string ip, bool? ready = true, bool? terminating = false) =>
        new() { Addresses = [ip], Conditions = new V1EndpointConditions { Ready = ready, Terminating = terminating } };
}
