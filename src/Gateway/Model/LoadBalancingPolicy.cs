namespace Gateway.Model;

/// <summary>How a backend spreads requests over its endpoints.</summary>
internal sealed record LoadBalancingPolicy
{
    public LoadBalancingMode Mode { get; init; } = LoadBalancingMode.LeastRequests;

    /// <summary>With <see cref="LoadBalancingMode.ConsistentHash"/>: the request header whose value picks the endpoint.</summary>
    public string? HashHeader { get; init; }

    /// <summary>With <see cref="LoadBalancingMode.ConsistentHash"/>: the cookie whose value picks the endpoint.</summary>
    public string? HashCookie { get; init; }

    /// <summary>With <see cref="LoadBalancingMode.ConsistentHash"/>: the client address picks the endpoint.</summary>
    public bool HashSourceIp { get; init; }

    /// <summary>With <see cref="LoadBalancingMode.LoadAware"/>: where the load is read and when an endpoint counts as saturated.</summary>
    public LoadAwareSettings? LoadAware { get; init; }
}
