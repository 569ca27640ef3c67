using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Every Service of the watched namespaces (labelled for the gateway or not) and their EndpointSlices, as one immutable
/// value: what Ingress, HTTPRoute and VirtualService backends resolve against. Backends get their endpoints from
/// <see cref="IServiceEndpoints"/>: in the running gateway the live sets, which change in place without a new catalog.
/// </summary>
internal sealed class ServiceCatalog
{
    private readonly IReadOnlyList<ImmutableDictionary<string, V1Service>> _services;
    private readonly Lazy<EndpointSliceIndex> _slices;
    private readonly IServiceEndpoints _endpoints;

    public ServiceCatalog(IReadOnlyList<ImmutableDictionary<string, V1Service>> services, EndpointSliceIndex slices)
        : this(services, new Lazy<EndpointSliceIndex>(slices), slices)
    {
    }

    /// <param name="services">The Services, by namespace/name, one dictionary per watch.</param>
    /// <param name="slices">The slice index, built on first use (only the sources that filter endpoints by pod need it).</param>
    /// <param name="endpoints">Where backends get their endpoint sets.</param>
    public ServiceCatalog(IReadOnlyList<ImmutableDictionary<string, V1Service>> services, Lazy<EndpointSliceIndex> slices, IServiceEndpoints endpoints)
    {
        _services = services;
        _slices = slices;
        _endpoints = endpoints;
    }

    public V1Service? Find(string ns, string name)
    {
        var key = $"{ns}/{name}";
        foreach (var part in _services)
        {
            if (part.TryGetValue(key, out var service))
            {
                return service;
            }
        }

        return null;
    }

    /// <summary>The EndpointSlices of the Services, by Service.</summary>
    public EndpointSliceIndex EndpointSlices => _slices.Value;

    /// <summary>Every Service, in no particular order.</summary>
    public IEnumerable<V1Service> Services => _services.SelectMany(part => part.Values);

    /// <summary>
    /// A backend named <paramref name="backendName"/> with the ready pod endpoints of the Service port; unresolved, with
    /// the reason, when the Service or the port does not exist (requests then get 500, as the status codes promise).
    /// </summary>
    public BackendModel Resolve(string backendName, string source, string ns, string service, ServicePortReference port)
    {
        var backend = new BackendModel { Name = backendName, Source = source };
        if (Find(ns, service) is not { } found)
        {
            return backend with { UnresolvedReason = $"Service '{ns}/{service}' not found" };
        }

        if (FindPort(found, port) is not { } servicePort)
        {
            var ports = found.Spec?.Ports is { Count: > 0 } list
                ? string.Join(", ", list.Select(p => p.Name is { Length: > 0 } n ? $"{p.Port} ({n})" : p.Port.ToString(CultureInfo.InvariantCulture)))
                : "none";
            return backend with
            {
                UnresolvedReason = port == ServicePortReference.OnlyPort
                    ? $"Service '{ns}/{service}' does not have exactly one port, so the reference must name one; its ports: {ports}"
                    : $"Service '{ns}/{service}' has no port {port}; its ports: {ports}",
            };
        }

        if (found.Spec?.Type == "ExternalName" && found.Spec.ExternalName is { Length: > 0 } external)
        {
            return backend with { Endpoints = [string.Create(CultureInfo.InvariantCulture, $"http://{external}:{servicePort.Port}")] };
        }

        return backend with { Endpoints = _endpoints.EndpointsOf(ns, service, servicePort.Name) };
    }

    private static V1ServicePort? FindPort(V1Service service, ServicePortReference reference)
    {
        var ports = service.Spec?.Ports ?? [];
        if (reference == ServicePortReference.OnlyPort)
        {
            return ports.Count == 1 ? ports[0] : null;
        }

        foreach (var port in ports)
        {
            if ((reference.Number is { } number && port.Port == number) || (reference.Name is { } name && port.Name == name))
            {
                return port;
            }
        }

        return null;
    }
}
