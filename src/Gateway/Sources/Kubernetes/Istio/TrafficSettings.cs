using Gateway.Model;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>What a DestinationRule's <c>trafficPolicy</c> sets on the backends of its host (or of one subset).</summary>
internal sealed record TrafficSettings
{
    public static TrafficSettings None { get; } = new();

    public LoadBalancingPolicy? LoadBalancing { get; init; }

    public PassiveHealthCheck? Passive { get; init; }

    public int? MaxConcurrentRequests { get; init; }

    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>A subset's settings over its rule's: each part the subset sets replaces the rule's, as in Istio.</summary>
    public TrafficSettings Over(TrafficSettings rule) => new()
    {
        LoadBalancing = LoadBalancing ?? rule.LoadBalancing,
        Passive = Passive ?? rule.Passive,
        MaxConcurrentRequests = MaxConcurrentRequests ?? rule.MaxConcurrentRequests,
        ConnectTimeout = ConnectTimeout ?? rule.ConnectTimeout,
    };

    public BackendModel ApplyTo(BackendModel backend) => backend with
    {
        LoadBalancing = LoadBalancing,
        HealthCheck = Passive is null ? null : new BackendHealthCheck { Passive = Passive },
        MaxConcurrentRequests = MaxConcurrentRequests,
        ConnectTimeout = ConnectTimeout,
    };
}
