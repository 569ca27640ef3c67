namespace Gateway.Demo;

/// <summary>One sample backend: it answers JSON naming itself, its version and the request it received.</summary>
internal sealed class DemoBackend
{
    public string Name { get; set; } = "";

    public string Version { get; set; } = "v1";

    /// <summary>Loopback address it listens on, e.g. <c>http://127.0.0.1:5101</c>.</summary>
    public string Url { get; set; } = "";
}
