using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Kubernetes.InferencePools;

/// <summary>The Kubernetes objects of InferencePool tests, in namespace <see cref="Namespace"/>.</summary>
public static class InferencePoolObjects
{
    public const string Namespace = "default";

    /// <summary>A running pod at <paramref name="address"/>, labelled <c>app: <paramref name="app"/></c>, ready or not.</summary>
    public static JsonObject Pod(string name, string app, string address, bool ready = true) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = Namespace,
            ["labels"] = new JsonObject { ["app"] = app },
        },
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["podIP"] = address,
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
        },
    };

    /// <summary>An InferencePool of the pods labelled <c>app: <paramref name="app"/></c> on <paramref name="port"/>, with picker Service <c>NAME-epp</c>.</summary>
    public static string Pool(string name, string app, int port, string failureMode = "FailOpen") => $$"""
        apiVersion: inference.networking.k8s.io/v1
        kind: InferencePool
        metadata: { name: {{name}} }
        spec:
          selector: { matchLabels: { app: {{app}} } }
          targetPorts: [ { number: {{port}} } ]
          endpointPickerRef: { name: {{name}}-epp, port: { number: 9002 }, failureMode: {{failureMode}} }
        """;

    /// <summary>The Service of a pool's endpoint picker.</summary>
    public static string PickerService(string pool) => $$"""
        apiVersion: v1
        kind: Service
        metadata: { name: {{pool}}-epp }
        spec: { ports: [ { name: grpc, port: 9002 } ] }
        """;

    /// <summary>An HTTPRoute of Gateway <c>gw</c> on <paramref name="hostname"/> to the pools, weighted.</summary>
    public static string Route(string name, string hostname, params (string Pool, int Weight)[] pools) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: {{name}} }
        spec:
          parentRefs: [ { name: gw } ]
          hostnames: [ {{hostname}} ]
          rules:
            - backendRefs: [ {{string.Join(", ", pools.Select(p => $"{{ group: inference.networking.k8s.io, kind: InferencePool, name: {p.Pool}, weight: {p.Weight} }}"))}} ]
        """;
}
