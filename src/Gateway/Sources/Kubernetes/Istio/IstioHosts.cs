namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>Istio's host names: short Service names are relative to the namespace of the object that writes them.</summary>
internal static class IstioHosts
{
    public const string ClusterDomain = "svc.cluster.local";

    /// <summary>
    /// The names a client may send for <paramref name="host"/> in a VirtualService of <paramref name="ns"/>: a short name
    /// (no dot) is a Service of that namespace, reachable as <c>name</c>, <c>name.ns</c>, <c>name.ns.svc</c> and
    /// <c>name.ns.svc.cluster.local</c>; any other name stands for itself; <c>*</c> is any host (empty list).
    /// </summary>
    public static IEnumerable<string> Expand(string host, string ns)
    {
        if (host == "*")
        {
            yield break;
        }

        var lower = host.ToLowerInvariant();
        yield return lower;
        if (!lower.Contains('.', StringComparison.Ordinal) && !lower.StartsWith('*'))
        {
            yield return $"{lower}.{ns}";
            yield return $"{lower}.{ns}.svc";
            yield return $"{lower}.{ns}.{ClusterDomain}";
        }
    }

    /// <summary>
    /// The Service a destination host names, as Istio resolves it from namespace <paramref name="ns"/>: a short name (no
    /// dot) is a Service of that namespace, <c>name.namespace.svc.cluster.local</c> any Service; other names with dots
    /// are hosts of their own (ServiceEntries, external names) and give null.
    /// </summary>
    public static (string Namespace, string Name)? ServiceOf(string host, string ns)
    {
        var parts = host.ToLowerInvariant().Split('.');
        return parts.Length switch
        {
            1 => (ns, parts[0]),
            5 when $"{parts[2]}.{parts[3]}.{parts[4]}" == ClusterDomain => (parts[1], parts[0]),
            _ => null,
        };
    }

    /// <summary>
    /// Whether a VirtualService of namespace <paramref name="ns"/> whose gateways are <paramref name="gateways"/> is served
    /// by this gateway. No gateways means <c>mesh</c>, as in Istio.
    /// </summary>
    public static bool IsAdopted(IReadOnlyList<string> gateways, string ns, IstioOptions options)
    {
        if (gateways.Count == 0)
        {
            return options.AdoptMeshRoutes;
        }

        foreach (var gateway in gateways)
        {
            if (gateway == "mesh" ? options.AdoptMeshRoutes : NamesConfiguredGateway(gateway, ns, options.GatewayNames))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the <c>spec.gateways</c> entry <paramref name="reference"/>, written in namespace <paramref name="ns"/>, names one of <paramref name="configured"/>.</summary>
    public static bool NamesConfiguredGateway(string reference, string ns, string[] configured)
    {
        var (gatewayNs, name) = ParseGateway(reference, ns);
        foreach (var entry in configured)
        {
            var slash = entry.IndexOf('/', StringComparison.Ordinal);
            var matches = slash < 0
                ? entry == name
                : entry.AsSpan(0, slash).SequenceEqual(gatewayNs) && entry.AsSpan(slash + 1).SequenceEqual(name);
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    private static (string Namespace, string Name) ParseGateway(string reference, string ns)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            return (reference[..slash], reference[(slash + 1)..]);
        }

        // The deprecated FQDN form: name.namespace.svc.cluster.local.
        var parts = reference.Split('.');
        return parts.Length > 1 ? (parts[1], parts[0]) : (ns, reference);
    }
}
