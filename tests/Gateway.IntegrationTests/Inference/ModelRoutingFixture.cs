using Gateway.IntegrationTests.Kubernetes.GatewayApi;

namespace Gateway.IntegrationTests.Inference;

/// <summary>An HTTPRoute that picks its backend by the model named in the request body, through the fake API server.</summary>
public sealed class ModelRoutingFixture : GatewayApiFixture
{
    protected override IEnumerable<string> AcceptedRoutes => ["infra/models"];

    protected override string Objects => """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: { name: inference }
        spec:
          gatewayClassName: mlgateway
          listeners: [ { name: http, protocol: HTTP, port: 80 } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: models }
        spec:
          parentRefs: [ { name: inference } ]
          hostnames: [ models.test ]
          rules:
            - matches: [ { path: { type: PathPrefix, value: /v1 }, headers: [ { name: X-Gateway-Model-Name, value: llama-3 } ] } ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { type: PathPrefix, value: /v1 }, headers: [ { name: X-Gateway-Model-Name, value: mistral-7b } ] } ]
              backendRefs: [ { name: v2, port: 8080 } ]
            - backendRefs: [ { name: v3, port: 8080 } ]
        """;
}
