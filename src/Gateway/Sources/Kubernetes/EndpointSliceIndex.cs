using System.Collections.Immutable;
using System.Globalization;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// EndpointSlices grouped by the Service they belong to (label <c>kubernetes.io/service-name</c>), turned into the
/// pod addresses the gateway proxies to: ready endpoints only, terminating ones left out so they drain.
/// </summary>
internal sealed class EndpointSliceIndex
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    private readonly Dictionary<string, List<V1EndpointSlice>> _byService = new(StringComparer.Ordinal);

    public EndpointSliceIndex(IEnumerable<V1EndpointSlice> slices)
    {
        foreach (var slice in slices)
        {
            if (slice.Metadata.Labels is { } labels && labels.TryGetValue(ServiceNameLabel, out var service))
            {
                var key = $"{slice.Metadata.NamespaceProperty}/{service}";
                if (!_byService.TryGetValue(key, out var list))
                {
                    _byService[key] = list = [];
                }

                list.Add(slice);
            }
        }
    }

    /// <summary>
    /// <c>http://podIP:port</c> of every ready endpoint of the Service for its port named <paramref name="portName"/>.
    /// The port number comes from each slice, since a named targetPort may resolve differently per slice.
    /// </summary>
    public ImmutableArray<string> Endpoints(string ns, string service, string? portName)
    {
        if (!_byService.TryGetValue($"{ns}/{service}", out var slices))
        {
            return [];
        }

        var endpoints = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            var port = SlicePort(slice, portName);
            if (port is null || slice.AddressType is not ("IPv4" or "IPv6"))
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                // A nil condition means ready, per the EndpointSlice API; terminating endpoints get no new requests.
                if (endpoint.Conditions?.Ready == false || endpoint.Conditions?.Terminating == true || endpoint.Addresses is not { Count: > 0 })
                {
                    continue;
                }

                // All addresses of an endpoint are the same pod; the API says to use the first.
                var address = endpoint.Addresses[0];
                var host = slice.AddressType == "IPv6" ? $"[{address}]" : address;
                endpoints.Add(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}"));
            }
        }

        return [.. endpoints];
    }

    private static int? SlicePort(V1EndpointSlice slice, string? portName)
    {
        foreach (var port in slice.Ports ?? [])
        {
            if (string.Equals(port.Name ?? "", portName ?? "", StringComparison.Ordinal))
            {
                return port.Port;
            }
        }

        return null;
    }
}
