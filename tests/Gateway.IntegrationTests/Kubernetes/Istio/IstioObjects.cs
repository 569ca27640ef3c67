using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Kubernetes.Istio;

/// <summary>Istio objects and the pods behind a Service, as the API server serves them, for the fake server.</summary>
public static class IstioObjects
{
    public const string Namespace = "models";
    public const string Service = "ml-service";

    /// <summary>Seed 003 as Istio users write it: /predict split 90/10 between subsets v1 and v2.</summary>
    public const string Seed003 = """
        {
          "apiVersion": "networking.istio.io/v1",
          "kind": "VirtualService",
          "metadata": { "name": "ml-service", "namespace": "models" },
          "spec": {
            "hosts": ["ml-service"],
            "http": [{
              "match": [{ "uri": { "prefix": "/predict" } }],
              "route": [
                { "destination": { "host": "ml-service", "subset": "v1" }, "weight": 90 },
                { "destination": { "host": "ml-service", "subset": "v2" }, "weight": 10 }
              ]
            }]
          }
        }
        """;

    /// <summary>A VirtualService for host ml-service in namespace models with the given <c>http</c> routes.</summary>
    public static JsonObject VirtualService(string name, string httpRoutesJson, string version = "v1") => new()
    {
        ["apiVersion"] = $"networking.istio.io/{version}",
        ["kind"] = "VirtualService",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
        ["spec"] = new JsonObject { ["hosts"] = new JsonArray(Service), ["http"] = JsonNode.Parse(httpRoutesJson) },
    };

    /// <summary>The DestinationRule of ml-service with subsets v1 and v2 by the <c>version</c> label, and an optional trafficPolicy.</summary>
    public static JsonObject DestinationRule(string? trafficPolicyJson = null, string version = "v1")
    {
        var spec = new JsonObject
        {
            ["host"] = Service,
            ["subsets"] = new JsonArray(
                new JsonObject { ["name"] = "v1", ["labels"] = new JsonObject { ["version"] = "v1" } },
                new JsonObject { ["name"] = "v2", ["labels"] = new JsonObject { ["version"] = "v2" } }),
        };
        if (trafficPolicyJson is not null)
        {
            spec["trafficPolicy"] = JsonNode.Parse(trafficPolicyJson);
        }

        return new JsonObject
        {
            ["apiVersion"] = $"networking.istio.io/{version}",
            ["kind"] = "DestinationRule",
            ["metadata"] = new JsonObject { ["name"] = Service, ["namespace"] = Namespace },
            ["spec"] = spec,
        };
    }

    /// <summary>The Service ml-service: one port, 80, named http, selecting app=ml-service.</summary>
    public static JsonObject MlService() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = Service, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["app"] = Service },
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["targetPort"] = "http", ["protocol"] = "TCP" }),
        },
    };

    public static JsonObject Pod(string name, string version) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = Namespace,
            ["labels"] = new JsonObject { ["app"] = Service, ["version"] = version },
        },
        ["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = "127.0.0.1" },
    };

    /// <summary>
    /// An EndpointSlice of ml-service holding the one endpoint of pod <paramref name="pod"/>, served by
    /// <paramref name="backend"/>: loopback backends share an address, so each pod gets its own slice and port.
    /// </summary>
    public static JsonObject Slice(string pod, TestBackend backend) => new()
    {
        ["apiVersion"] = "discovery.k8s.io/v1",
        ["kind"] = "EndpointSlice",
        ["metadata"] = new JsonObject
        {
            ["name"] = $"{Service}-{pod}",
            ["namespace"] = Namespace,
            ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = Service },
        },
        ["addressType"] = "IPv4",
        ["endpoints"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray("127.0.0.1"),
            ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
            ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["name"] = pod, ["namespace"] = Namespace },
        }),
        ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = KubeObjects.PortOf(backend.Url), ["protocol"] = "TCP" }),
    };
}
