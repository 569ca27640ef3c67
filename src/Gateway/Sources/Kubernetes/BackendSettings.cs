using Gateway.Model;

namespace Gateway.Sources.Kubernetes;

/// <summary>The resilience settings a Service's annotations give its backend (see <see cref="ServiceAnnotations"/>).</summary>
internal sealed record BackendSettings
{
    public static BackendSettings None { get; } = new();

    public BackendHealthCheck? HealthCheck { get; init; }

    public int? MaxConcurrentRequests { get; init; }

    public TimeSpan? ConnectTimeout { get; init; }

    public ConnectFailover? ConnectFailover { get; init; } = ConnectFailover.Default;

    public LoadBalancingPolicy? LoadBalancing { get; init; }

    public BackendModel ApplyTo(BackendModel backend) => backend with
    {
        HealthCheck = HealthCheck,
        MaxConcurrentRequests = MaxConcurrentRequests,
        ConnectTimeout = ConnectTimeout,
        ConnectFailover = ConnectFailover,
        LoadBalancing = LoadBalancing ?? backend.LoadBalancing,
    };
}
