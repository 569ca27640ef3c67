using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// EndpointSlices grouped by the Service they belong to (label <c>kubernetes.io/service-name</c>), and turned into the
/// pod addresses the gateway proxies to: ready endpoints only, terminating ones left out so they drain. An immutable
/// snapshot: its endpoint sets are fixed (the running gateway hands out the live ones of <see cref="EndpointTracker"/>).
/// </summary>
internal sealed class EndpointSliceIndex : IServiceEndpoints
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    // Keyed by the strings the slices already hold, and most Services have one slice: an exact-size array each, and no
    // key strings, keeps the index small when there are 10,000 Services.
    private readonly Dictionary<(string Namespace, string Service), V1EndpointSlice[]> _byService = [];

    public EndpointSliceIndex(IEnumerable<V1EndpointSlice> slices)
    {
        foreach (var slice in slices)
        {
            if (slice.Metadata.Labels is { } labels && labels.TryGetValue(ServiceNameLabel, out var service))
            {
                ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(_byService, (slice.Metadata.NamespaceProperty, service), out _);
                group = group is null ? [slice] : [.. group, slice];
            }
        }

        foreach (var group in _byService.Values)
        {
            if (group.Length > 1)
            {
                Array.Sort(group, static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
            }
        }
    }

    /// <summary>The slices of Service <paramref name="ns"/>/<paramref name="name"/>, in name order.</summary>
    public IReadOnlyList<V1EndpointSlice> SlicesOf(string ns, string name) => _byService.TryGetValue((ns, name), out var slices) ? slices : [];

    public EndpointSet EndpointsOf(string ns, string service, string? portName) => Endpoints(SlicesOf(ns, service), portName);

    /// <summary>
    /// <c>http://podIP:port</c> of every ready endpoint of <paramref name="slices"/> for the port named
    /// <paramref name="portName"/>. The port number comes from each slice, since a named targetPort may resolve
    /// differently per slice. <paramref name="include"/>, when given, keeps only the endpoints it accepts (e.g. the pods of
    /// a subset).
    /// </summary>
    public static ImmutableArray<string> Endpoints(IReadOnlyList<V1EndpointSlice> slices, string? portName, Func<V1Endpoint, bool>? include = null)
    {
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
                if (endpoint.Conditions?.Ready == false || endpoint.Conditions?.Terminating == true || endpoint.Addresses is not { Count: > 0 }
                    || (include is not null && !include(endpoint)))
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
