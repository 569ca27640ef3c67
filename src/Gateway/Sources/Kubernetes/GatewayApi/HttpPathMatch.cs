namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpPathMatch
{
    /// <summary><c>PathPrefix</c> (the default), <c>Exact</c> or <c>RegularExpression</c>.</summary>
    public string? Type { get; set; }

    public string? Value { get; set; }
}
