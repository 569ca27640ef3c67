namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>A header or query parameter match.</summary>
internal sealed class HttpValueMatch
{
    /// <summary><c>Exact</c> (the default) or <c>RegularExpression</c>.</summary>
    public string? Type { get; set; }

    public string Name { get; set; } = "";

    public string Value { get; set; } = "";
}
