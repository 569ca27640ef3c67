namespace Gateway.Sources.Kubernetes;

/// <summary>
/// The <c>Gateway:Kubernetes:Istio</c> section: which VirtualServices the gateway adopts. The source is off unless it has something
/// to adopt (a gateway name, or mesh routes); it reads networking.istio.io only when the CRDs are served.
/// </summary>
internal sealed class IstioOptions
{
    /// <summary>
    /// Istio Gateways this gateway stands for. <c>namespace/name</c> matches a VirtualService's <c>spec.gateways</c> entry
    /// that names that Gateway (<c>namespace/name</c>, <c>name</c> written in that namespace, or
    /// <c>name.namespace.svc.cluster.local</c>); a bare <c>name</c> matches a Gateway of that name in any namespace.
    /// </summary>
    public string[] GatewayNames { get; set; } = [];

    /// <summary>Whether VirtualServices without <c>spec.gateways</c> (or naming <c>mesh</c>), which Istio applies to sidecars, are served too.</summary>
    public bool AdoptMeshRoutes { get; set; }

    /// <summary>networking.istio.io versions to read, in order of preference; the first one the API server serves is used.</summary>
    public string[] ApiVersions { get; set; } = ["v1", "v1beta1", "v1alpha3"];

    /// <summary>How often the API server is asked again whether the Istio CRDs are served, while they are not.</summary>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsEnabled => GatewayNames.Length > 0 || AdoptMeshRoutes;

    /// <summary>Every problem with these settings, as one line each.</summary>
    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < GatewayNames.Length; i++)
        {
            var parts = GatewayNames[i].Split('/');
            if (parts.Length > 2 || parts.Any(p => !KubernetesNames.IsDnsSubdomain(p)))
            {
                yield return $"Gateway:Kubernetes:Istio:GatewayNames:{i} '{GatewayNames[i]}' is not a Gateway name; write namespace/name (e.g. istio-system/edge-gateway) or name";
            }
        }

        if (ApiVersions.Length == 0)
        {
            yield return "Gateway:Kubernetes:Istio:ApiVersions must name at least one version (v1, v1beta1, v1alpha3)";
        }

        for (var i = 0; i < ApiVersions.Length; i++)
        {
            if (ApiVersions[i] is not ("v1" or "v1beta1" or "v1alpha3"))
            {
                yield return $"Gateway:Kubernetes:Istio:ApiVersions:{i} '{ApiVersions[i]}' is not a networking.istio.io version the gateway reads (v1, v1beta1, v1alpha3)";
            }
        }

        if (DiscoveryInterval <= TimeSpan.Zero)
        {
            yield return $"Gateway:Kubernetes:Istio:DiscoveryInterval '{DiscoveryInterval}' must be greater than zero";
        }
    }
}
