namespace Gateway.Sources.Kubernetes;

/// <summary>The <c>Gateway:Kubernetes</c> section: whether and where to discover Services, EndpointSlices and the ConfigMap.</summary>
internal sealed class KubernetesOptions
{
    /// <summary>Null means "on when running in a cluster", which is when the kubelet sets <c>KUBERNETES_SERVICE_HOST</c>.</summary>
    public bool? Enabled { get; set; }

    /// <summary>A kubeconfig file; when unset the client resolves <c>KUBECONFIG</c>, <c>~/.kube/config</c> or the in-cluster service account.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Namespaces to watch; empty watches all of them.</summary>
    public string[] Namespaces { get; set; } = [];

    public KubernetesConfigMapOptions ConfigMap { get; set; } = new();

    public GatewayApiOptions GatewayApi { get; set; } = new();

    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>
    /// Whether API keys are read from Secrets labelled <c>mlgateway.io/api-key=true</c> in <see cref="Namespaces"/>;
    /// off, the gateway needs no access to Secrets.
    /// </summary>
    public bool ApiKeySecrets { get; set; } = true;

    /// <summary>Ingresses of our IngressClass, with ingress-nginx annotations.</summary>
    public IngressOptions Ingress { get; set; } = new();

    /// <summary>Which Istio VirtualServices (and their DestinationRules) the gateway adopts.</summary>
    public IstioOptions Istio { get; set; } = new();

    /// <summary>Fixed IPs or hostnames clients reach the gateway at, written to our Ingresses' and Gateways' status.</summary>
    public string[] StatusAddresses { get; set; } = [];

    /// <summary><c>namespace/name</c> of the gateway's Service (type LoadBalancer) whose addresses are written there instead.</summary>
    public string? StatusService { get; set; }

    /// <summary>How long to gather a burst of watch events (a rollout) into one rebuild.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A watch without any event (bookmarks included) for this long is assumed dead and resumed.</summary>
    public TimeSpan WatchIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsEnabled => Enabled ?? !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"));

    /// <summary>Every problem with these settings, as one line each.</summary>
    public IEnumerable<string> Validate()
    {
        if (Debounce < TimeSpan.Zero || Debounce > TimeSpan.FromSeconds(10))
        {
            yield return $"Gateway:Kubernetes:Debounce '{Debounce}' must be between 0 and 00:00:10";
        }

        if (WatchIdleTimeout <= TimeSpan.Zero)
        {
            yield return $"Gateway:Kubernetes:WatchIdleTimeout '{WatchIdleTimeout}' must be greater than zero";
        }

        for (var i = 0; i < Namespaces.Length; i++)
        {
            if (!KubernetesNames.IsDnsLabel(Namespaces[i]))
            {
                yield return $"Gateway:Kubernetes:Namespaces:{i} '{Namespaces[i]}' is not a namespace name (lower-case letters, digits and '-', at most 63)";
            }
        }

        if (ConfigMap.Name is { } name && !KubernetesNames.IsDnsSubdomain(name))
        {
            yield return $"Gateway:Kubernetes:ConfigMap:Name '{name}' is not a ConfigMap name (lower-case DNS subdomain)";
        }

        if (ConfigMap.Namespace is { } ns && !KubernetesNames.IsDnsLabel(ns))
        {
            yield return $"Gateway:Kubernetes:ConfigMap:Namespace '{ns}' is not a namespace name";
        }

        if (string.IsNullOrWhiteSpace(ConfigMap.Key))
        {
            yield return "Gateway:Kubernetes:ConfigMap:Key must not be empty";
        }

        foreach (var error in GatewayApi.Validate())
        {
            yield return error;
        }

        foreach (var problem in LeaderElection.Validate())
        {
            yield return problem;
        }

        foreach (var error in Ingress.Validate())
        {
            yield return error;
        }

        foreach (var error in Istio.Validate())
        {
            yield return error;
        }

        foreach (var error in PublishedAddresses.Validate(this))
        {
            yield return error;
        }

        if (Kubeconfig is { } path && !System.IO.File.Exists(path))
        {
            yield return $"Gateway:Kubernetes:Kubeconfig '{path}' does not exist";
        }
    }
}
