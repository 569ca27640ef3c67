namespace Gateway.Sources.Kubernetes;

/// <summary>The <c>Gateway:Kubernetes:Ingress</c> section: which Ingresses are ours.</summary>
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
    }
}
