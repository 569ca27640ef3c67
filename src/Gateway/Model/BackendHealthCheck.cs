namespace Gateway.Model;

/// <summary>How a backend's endpoints are judged healthy; either part may be absent. Maps one to one onto Service annotations.</summary>
internal sealed record BackendHealthCheck
{
    public ActiveHealthCheck? Active { get; init; }

    public PassiveHealthCheck? Passive { get; init; }
}
