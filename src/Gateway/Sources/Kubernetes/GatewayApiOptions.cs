namespace Gateway.Sources.Kubernetes;

/// <summary>The <c>Gateway:Kubernetes:GatewayApi</c> section: which GatewayClasses are ours and how often to look for missing CRDs.</summary>
internal sealed class GatewayApiOptions
{
    public const string DefaultControllerName = "mlgateway.io/gateway-controller";

    /// <summary>Null means "on whenever Kubernetes discovery is on".</summary>
    public bool? Enabled { get; set; }

    /// <summary>GatewayClasses whose <c>spec.controllerName</c> is this are served by this gateway.</summary>
    public string ControllerName { get; set; } = DefaultControllerName;

    /// <summary>How often to look again when the Gateway API CRDs are not installed.</summary>
    public TimeSpan MissingCrdRetry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these settings, as one line each.</summary>
    public IEnumerable<string> Validate()
    {
        // A controller name is a domain-prefixed path: example.com/name.
        var slash = ControllerName.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == ControllerName.Length - 1 || !KubernetesNames.IsDnsSubdomain(ControllerName[..slash]))
        {
            yield return $"Gateway:Kubernetes:GatewayApi:ControllerName '{ControllerName}' must be a domain-prefixed path such as {DefaultControllerName}";
        }

        if (MissingCrdRetry <= TimeSpan.Zero)
        {
            yield return $"Gateway:Kubernetes:GatewayApi:MissingCrdRetry '{MissingCrdRetry}' must be greater than zero";
        }
    }
}
