namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that measure rates against the wall clock run in this collection: alone, after the parallel ones, so a busy
/// machine does not starve their load generators.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
