namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that measure rates against the wall clock run in this collection: alone, after the parallel ones, so a busy
/// machine does not starve their load generators. So do tests that read exported metrics: OpenTelemetry subscribes to
/// meters by name process-wide, so every gateway in the test process exports the others' series too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
