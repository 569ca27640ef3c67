using k8s;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// The <c>Gateway:Kubernetes:LeaderElection</c> section: every replica serves traffic, but only the holder of one
/// coordination.k8s.io Lease writes status and Events, so replicas never fight over an object's status.
/// </summary>
internal sealed class LeaderElectionOptions
{
    /// <summary>False makes every replica write (fine for a single replica).</summary>
    public bool Enabled { get; set; } = true;

    public string LeaseName { get; set; } = "mlgateway-leader";

    /// <summary>Null: the pod's namespace (<c>POD_NAMESPACE</c>), else the kubeconfig context's, else <c>default</c>.</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>How long followers wait after the last renewal before taking over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives leadership up.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates try to acquire, and the leader renews.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The Lease's namespace as <see cref="LeaseNamespace"/> describes it; the rollout objects live there too.</summary>
    public string ResolveNamespace(KubernetesClientConfiguration clientConfiguration) =>
        LeaseNamespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? clientConfiguration.Namespace ?? "default";

    public IEnumerable<string> Validate()
    {
        if (!KubernetesNames.IsDnsSubdomain(LeaseName))
        {
            yield return $"Gateway:Kubernetes:LeaderElection:LeaseName '{LeaseName}' is not a Lease name (lower-case DNS subdomain)";
        }

        if (LeaseNamespace is { } ns && !KubernetesNames.IsDnsLabel(ns))
        {
            yield return $"Gateway:Kubernetes:LeaderElection:LeaseNamespace '{ns}' is not a namespace name";
        }

        if (RetryPeriod <= TimeSpan.Zero || RenewDeadline <= RetryPeriod || LeaseDuration <= RenewDeadline)
        {
            yield return $"Gateway:Kubernetes:LeaderElection needs 0 < RetryPeriod ({RetryPeriod}) < RenewDeadline ({RenewDeadline}) < LeaseDuration ({LeaseDuration})";
        }
    }
}
