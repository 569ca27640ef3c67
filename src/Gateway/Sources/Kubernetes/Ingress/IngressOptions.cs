namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>The <c>Gateway:Kubernetes:Ingress</c> section: which Ingresses are ours and what their status says.</summary>
internal sealed class IngressOptions
{
    /// <summary>Watch Ingresses and IngressClasses when Kubernetes discovery is on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The IngressClass name an Ingress names (<c>spec.ingressClassName</c> or the legacy annotation) to be ours.</summary>
    public string ClassName { get; set; } = "mlgateway";

    /// <summary>IngressClasses whose <c>spec.controller</c> is this are ours too, whatever their name.</summary>
    public string ControllerName { get; set; } = "mlgateway.io/gateway-controller";

    /// <summary>Ingresses naming no class are ours when one of our IngressClasses is marked the cluster default.</summary>
    public bool WatchDefaultClass { get; set; } = true;

    /// <summary>Fixed IPs or hostnames written to <c>status.loadBalancer.ingress</c> of our Ingresses.</summary>
    public string[] StatusAddresses { get; set; } = [];

    /// <summary><c>namespace/name</c> of the Service (type LoadBalancer) whose load-balancer addresses are copied to our Ingresses.</summary>
    public string? StatusService { get; set; }

    /// <summary>Every problem with these settings, as one line each.</summary>
    public IEnumerable<string> Validate()
    {
        const string Prefix = "Gateway:Kubernetes:Ingress";
        if (!KubernetesNames.IsDnsSubdomain(ClassName))
        {
            yield return $"{Prefix}:ClassName '{ClassName}' is not an IngressClass name (lower-case DNS subdomain)";
        }

        if (string.IsNullOrWhiteSpace(ControllerName) || !ControllerName.Contains('/', StringComparison.Ordinal))
        {
            yield return $"{Prefix}:ControllerName '{ControllerName}' must be a domain-prefixed path such as mlgateway.io/gateway-controller";
        }

        if (StatusService is { } service && (service.Split('/') is not [var ns, var name] || !KubernetesNames.IsDnsLabel(ns) || !KubernetesNames.IsDnsLabel(name)))
        {
            yield return $"{Prefix}:StatusService '{service}' must be namespace/name of a Service, such as mlgateway-system/mlgateway";
        }

        if (StatusService is not null && StatusAddresses.Length > 0)
        {
            yield return $"{Prefix}: set StatusService or StatusAddresses, not both";
        }

        for (var i = 0; i < StatusAddresses.Length; i++)
        {
            if (Uri.CheckHostName(StatusAddresses[i]) == UriHostNameType.Unknown)
            {
                yield return $"{Prefix}:StatusAddresses:{i} '{StatusAddresses[i]}' is not an IP address or hostname";
            }
        }
    }
}
