namespace Gateway.ForwarderFloor;

/// <summary>The path prefix of bench/run's scenario, stripped before forwarding.</summary>
internal static class ScenarioPrefix
{
    public const string Value = "/service-a";
}
