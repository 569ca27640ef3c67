namespace Gateway.Canary;

/// <summary>Process settings for split routes, from <c>Gateway:Canary</c>.</summary>
internal sealed class CanaryOptions
{
    /// <summary>
    /// Response header that names the variant (backend) that served a request of a split route, e.g.
    /// <c>x-gateway-variant</c>. Off when empty: which version answered is internal detail unless an operator opts in.
    /// </summary>
    public string? VariantHeader { get; set; }
}
