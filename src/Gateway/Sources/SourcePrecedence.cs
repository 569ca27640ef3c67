namespace Gateway.Sources;

/// <summary>Order in which sources override each other: a higher number wins for routes and backends of the same name.</summary>
internal static class SourcePrecedence
{
    public const int AppSettings = 0;

    public const int ConfigFile = 100;
}
