using System.Reflection;

namespace Gateway.Observability;

/// <summary>
/// The release version, set once in Directory.Build.props (<c>&lt;Version&gt;</c>); the build adds the commit to the
/// informational version when it has one (<c>1.0.0+3f2a…</c>).
/// </summary>
internal static class GatewayVersion
{
    private static readonly string Informational =
        typeof(GatewayVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The release version alone, e.g. <c>1.0.0</c>: the image tag.</summary>
    public static string Version { get; } = Informational.Split('+')[0];

    /// <summary>The commit the gateway was built from, when the build saw one; null in a build without git (the image).</summary>
    public static string? Commit { get; } = Informational.Contains('+', StringComparison.Ordinal) ? Informational.Split('+')[1] : null;
}
