using Gateway.Model;

namespace Gateway.Sources.Kubernetes;

/// <summary>The ready endpoints of a Service port, as the backends built from it hold them.</summary>
internal interface IServiceEndpoints
{
    /// <summary>The endpoints of the port named <paramref name="portName"/> of Service <paramref name="ns"/>/<paramref name="service"/>.</summary>
    EndpointSet EndpointsOf(string ns, string service, string? portName);
}
