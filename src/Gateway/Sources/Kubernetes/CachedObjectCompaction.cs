using System.Collections.ObjectModel;
using Gateway.Sources.Kubernetes.Annotations;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Cuts Services and EndpointSlices down to the fields the gateway reads before they are cached, as client-go's informer
/// transforms do, and shares their repeated strings: with 10,000 Services the cached objects are a large part of the
/// gateway's memory. A field dropped here reads as null everywhere, so code that starts reading one must keep it here.
/// </summary>
internal static class CachedObjectCompaction
{
    private static readonly StringPool Strings = new(capacity: 4096, maxLength: 64);

    private static readonly IDictionary<string, string> ExposedLabels =
        new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.Ordinal) { [MlGatewayAnnotations.ExposeLabel] = "true" });

    // ready, serving, terminating: each null, false or true.
    private static readonly V1EndpointConditions[] Conditions = [.. Enumerable.Range(0, 27).Select(i => new V1EndpointConditions
    {
        Ready = State(i % 3),
        Serving = State(i / 3 % 3),
        Terminating = State(i / 9),
    })];

    /// <summary>
    /// Keeps the identity (for keys, Events and watch resumption), the expose label, the gateway's annotations, the type,
    /// external name and ports of the spec, and the load balancer status.
    /// </summary>
    public static V1Service Compact(V1Service service)
    {
        if (service.Metadata is not { } metadata)
        {
            return service;
        }

        return new V1Service
        {
            ApiVersion = Strings.Share(service.ApiVersion),
            Kind = Strings.Share(service.Kind),
            Metadata = Identity(metadata, KubernetesQueries.IsExposed(service) ? ExposedLabels : null, GatewayAnnotations(metadata.Annotations)),
            Spec = service.Spec is not { } spec ? null : new V1ServiceSpec
            {
                Type = Strings.Share(spec.Type),
                ExternalName = spec.ExternalName,
                Ports = spec.Ports?.Select(p => new V1ServicePort { Name = Strings.Share(p.Name), Port = p.Port, Protocol = Strings.Share(p.Protocol) }).ToList(),
            },
            Status = service.Status?.LoadBalancer?.Ingress is { Count: > 0 } ? new V1ServiceStatus { LoadBalancer = service.Status.LoadBalancer } : null,
        };
    }

    /// <summary>
    /// Keeps the identity, the Service name label, the address type, the ports, and of each endpoint its addresses,
    /// conditions and pod reference.
    /// </summary>
    public static V1EndpointSlice Compact(V1EndpointSlice slice)
    {
        if (slice.Metadata is not { } metadata)
        {
            return slice;
        }

        var labels = metadata.Labels is { } all && all.TryGetValue(EndpointSliceIndex.ServiceNameLabel, out var service)
            ? new Dictionary<string, string>(1, StringComparer.Ordinal) { [EndpointSliceIndex.ServiceNameLabel] = service }
            : null;
        return new V1EndpointSlice
        {
            ApiVersion = Strings.Share(slice.ApiVersion),
            Kind = Strings.Share(slice.Kind),
            Metadata = Identity(metadata, labels, annotations: null),
            AddressType = Strings.Share(slice.AddressType),
            Endpoints = slice.Endpoints?.Select(e => new V1Endpoint
            {
                Addresses = e.Addresses,
                Conditions = e.Conditions is { } c ? Conditions[Index(c.Ready) + (3 * Index(c.Serving)) + (9 * Index(c.Terminating))] : null,
                TargetRef = e.TargetRef is { } target
                    ? new V1ObjectReference { Kind = Strings.Share(target.Kind), Name = target.Name, NamespaceProperty = Strings.Share(target.NamespaceProperty) }
                    : null,
            }).ToList(),
            Ports = slice.Ports?.Select(p => new Discoveryv1EndpointPort { Name = Strings.Share(p.Name), Port = p.Port, Protocol = Strings.Share(p.Protocol) }).ToList(),
        };
    }

    private static V1ObjectMeta Identity(V1ObjectMeta metadata, IDictionary<string, string>? labels, IDictionary<string, string>? annotations) => new()
    {
        Name = metadata.Name,
        NamespaceProperty = Strings.Share(metadata.NamespaceProperty),
        Uid = metadata.Uid,
        ResourceVersion = metadata.ResourceVersion,
        Labels = labels,
        Annotations = annotations,
    };

    /// <summary>The <c>mlgateway.io/</c> annotations, keys shared; null when there is none.</summary>
    private static Dictionary<string, string>? GatewayAnnotations(IDictionary<string, string>? annotations)
    {
        if (annotations is null)
        {
            return null;
        }

        Dictionary<string, string>? kept = null;
        foreach (var (key, value) in annotations)
        {
            if (key.StartsWith(MlGatewayAnnotations.Prefix, StringComparison.Ordinal))
            {
                (kept ??= new(StringComparer.Ordinal))[Strings.Share(key)] = value;
            }
        }

        return kept;
    }

    private static int Index(bool? state) => state switch { null => 0, false => 1, true => 2 };

    private static bool? State(int index) => index switch { 0 => null, 1 => false, _ => true };
}
