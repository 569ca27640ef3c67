namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpPathModifier
{
    /// <summary><c>ReplaceFullPath</c> or <c>ReplacePrefixMatch</c>.</summary>
    public string Type { get; set; } = "";

    public string? ReplaceFullPath { get; set; }

    public string? ReplacePrefixMatch { get; set; }
}
