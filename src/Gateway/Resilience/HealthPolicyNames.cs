namespace Gateway.Resilience;

/// <summary>Names under which our health policies are registered with YARP.</summary>
internal static class HealthPolicyNames
{
    public const string Thresholds = "Gateway.Thresholds";

    public const string ConsecutiveFailures = "Gateway.ConsecutiveFailures";

    public const string ConnectFailures = "Gateway.ConnectFailures";
}
