namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class HttpRouteTimeouts
{
    /// <summary>A Gateway API duration such as <c>10s</c> or <c>1h30m</c>; <c>0s</c> disables it.</summary>
    public string? Request { get; set; }

    public string? BackendRequest { get; set; }
}
