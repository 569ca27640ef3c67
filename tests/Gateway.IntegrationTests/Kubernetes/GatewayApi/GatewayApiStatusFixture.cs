namespace Gateway.IntegrationTests.Kubernetes.GatewayApi;

/// <summary>HTTPRoutes whose status says what is wrong with them, and a GatewayClass of another controller.</summary>
public sealed class GatewayApiStatusFixture : GatewayApiFixture
{
    protected override IEnumerable<string> AcceptedRoutes => ["infra/good", "infra/missing-backend", "infra/not-permitted"];

    protected override string Objects => """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: { name: theirs }
        spec: { controllerName: example.com/other-controller }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: { name: gw, generation: 2 }
        spec:
          gatewayClassName: mlgateway
          listeners: [ { name: http, protocol: HTTP, port: 80 } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: { name: foreign }
        spec:
          gatewayClassName: theirs
          listeners: [ { name: http, protocol: HTTP, port: 80 } ]
        ---
        apiVersion: v1
        kind: Service
        metadata: { name: elsewhere, namespace: other }
        spec: { ports: [ { name: http, port: 8080 } ] }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: good, generation: 4 }
        spec:
          parentRefs: [ { name: gw } ]
          hostnames: [ good.test ]
          rules: [ { backendRefs: [ { name: v1, port: 8080 } ] } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: missing-backend }
        spec:
          parentRefs: [ { name: gw } ]
          hostnames: [ missing.test ]
          rules:
            - backendRefs:
                - { name: v1, port: 8080, weight: 1 }
                - { name: does-not-exist, port: 8080, weight: 1 }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: not-permitted }
        spec:
          parentRefs: [ { name: gw } ]
          hostnames: [ closed.test ]
          rules: [ { backendRefs: [ { name: elsewhere, namespace: other, port: 8080 } ] } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: no-such-listener }
        spec:
          parentRefs: [ { name: gw, sectionName: https } ]
          hostnames: [ nowhere.test ]
          rules: [ { backendRefs: [ { name: v1, port: 8080 } ] } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: on-their-gateway }
        spec:
          parentRefs: [ { name: foreign } ]
          hostnames: [ theirs.test ]
          rules: [ { backendRefs: [ { name: v1, port: 8080 } ] } ]
        """;
}
