namespace Gateway.Sources.File;

/// <summary>
/// The layout of the <c>Gateway</c> configuration section: routing keys the sources read, and process keys bound to the
/// gateway's options by the host, which a ConfigMap file may not set.
/// </summary>
internal static class GatewaySection
{
    public const string Name = "Gateway";

    /// <summary>Keys of the section bound to the process options rather than read as routing.</summary>
    public static readonly string[] ProcessKeys = ["Listen", "Admin", "ConfigFile", "ConfigFilePollInterval", "Canary", "Telemetry", "AccessLog", "RateLimiting", "Shutdown", "Kubernetes", "Limits", "Tls", "Headers", "PathPolicy", "Inference"];
}
