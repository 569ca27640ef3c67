using Gateway.Model;

namespace Gateway.Sources.Kubernetes;

/// <summary>A Service's backend with the endpoint set it was built with, so it is rebuilt only when its inputs change.</summary>
internal sealed record ServiceBackend(EndpointSet Endpoints, string? PortName, BackendSettings Settings, BackendModel Backend)
{
    /// <summary>A live set is the same set (its contents change in place); a fixed one holds the same addresses.</summary>
    public bool BuiltFrom(EndpointSet endpoints, string? portName, BackendSettings settings) =>
        PortName == portName && Settings == settings && (ReferenceEquals(Endpoints, endpoints) || (!endpoints.IsLive && Endpoints.Equals(endpoints)));
}
