namespace Gateway.IntegrationTests.Kubernetes.GatewayApi;

/// <summary>The smallest Gateway API setup the gateway serves: our GatewayClass and a Gateway <c>gw</c> with one HTTP listener.</summary>
public static class OurGateway
{
    public const string Yaml = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: { name: mlgateway }
        spec: { controllerName: mlgateway.io/gateway-controller }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: { name: gw }
        spec: { gatewayClassName: mlgateway, listeners: [ { name: http, protocol: HTTP, port: 80 } ] }
        """;
}
