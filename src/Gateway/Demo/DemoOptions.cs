namespace Gateway.Demo;

/// <summary>The sample model backends the gateway hosts for its default configuration; off in the container image.</summary>
internal sealed class DemoOptions
{
    public const string SectionName = "Demo";

    public bool Enabled { get; set; }

    public List<DemoBackend> Backends { get; set; } = [];
}
