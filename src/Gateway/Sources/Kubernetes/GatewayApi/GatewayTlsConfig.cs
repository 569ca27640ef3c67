namespace Gateway.Sources.Kubernetes.GatewayApi;

internal sealed class GatewayTlsConfig
{
    /// <summary><c>Terminate</c> (the default) or <c>Passthrough</c>.</summary>
    public string? Mode { get; set; }

    public IList<ObjectReference>? CertificateRefs { get; set; }
}
