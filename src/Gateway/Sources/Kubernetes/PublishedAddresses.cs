using System.Net;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Where clients reach the gateway: the configured fixed addresses, or the load-balancer addresses of the gateway's own
/// Service (<see cref="KubernetesOptions.StatusService"/>). Written to our Ingresses' <c>status.loadBalancer</c> and
/// our Gateways' <c>status.addresses</c>.
/// </summary>
internal static class PublishedAddresses
{
    /// <summary>The addresses to publish; empty while the Service has none yet, or when nothing is configured.</summary>
    public static IReadOnlyList<PublishedAddress> Resolve(KubernetesOptions options, ServiceCatalog catalog)
    {
        var result = new List<PublishedAddress>();
        if (options.StatusService is { } reference)
        {
            var parts = reference.Split('/');
            foreach (var entry in catalog.Find(parts[0], parts[1])?.Status?.LoadBalancer?.Ingress ?? [])
            {
                if (!string.IsNullOrEmpty(entry.Ip))
                {
                    result.Add(new PublishedAddress(true, entry.Ip));
                }
                else if (!string.IsNullOrEmpty(entry.Hostname))
                {
                    result.Add(new PublishedAddress(false, entry.Hostname));
                }
            }

            return result;
        }

        foreach (var address in options.StatusAddresses)
        {
            result.Add(new PublishedAddress(IPAddress.TryParse(address, out _), address));
        }

        return result;
    }

    /// <summary>Every problem with the two settings, as one line each.</summary>
    public static IEnumerable<string> Validate(KubernetesOptions options)
    {
        const string Prefix = "Gateway:Kubernetes";
        if (options.StatusService is { } service && (service.Split('/') is not [var ns, var name] || !KubernetesNames.IsDnsLabel(ns) || !KubernetesNames.IsDnsLabel(name)))
        {
            yield return $"{Prefix}:StatusService '{service}' must be namespace/name of a Service, such as mlgateway-system/mlgateway";
        }

        if (options.StatusService is not null && options.StatusAddresses.Length > 0)
        {
            yield return $"{Prefix}: set StatusService or StatusAddresses, not both";
        }

        for (var i = 0; i < options.StatusAddresses.Length; i++)
        {
            if (Uri.CheckHostName(options.StatusAddresses[i]) == UriHostNameType.Unknown)
            {
                yield return $"{Prefix}:StatusAddresses:{i} '{options.StatusAddresses[i]}' is not an IP address or hostname";
            }
        }
    }
}
