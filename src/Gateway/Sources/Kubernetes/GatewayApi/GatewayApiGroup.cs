namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>The API group, versions and resource names of the Gateway API kinds the gateway reads.</summary>
internal static class GatewayApiGroup
{
    public const string Name = "gateway.networking.k8s.io";
    public const string V1 = "v1";
    public const string V1Beta1 = "v1beta1";
    public const string GatewayClasses = "gatewayclasses";
    public const string Gateways = "gateways";
    public const string HttpRoutes = "httproutes";
    public const string ReferenceGrants = "referencegrants";
}
