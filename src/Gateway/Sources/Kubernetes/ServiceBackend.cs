using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>A Service's backend with the slices it was built from, so it is rebuilt only when one of them changes.</summary>
internal sealed record ServiceBackend(IReadOnlyList<V1EndpointSlice> Slices, string? PortName, BackendSettings Settings, BackendModel Backend)
{
    public bool BuiltFrom(IReadOnlyList<V1EndpointSlice> slices, string? portName, BackendSettings settings) =>
        PortName == portName && Settings == settings && Slices.SequenceEqual(slices, ReferenceEqualityComparer.Instance);
}
