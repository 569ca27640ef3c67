using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>Kubernetes objects as the API server serves them, for the fake server.</summary>
public static class KubeObjects
{
    public const string Namespace = "default";

    /// <summary>A Service labelled <c>mlgateway.io/expose: "true"</c> (unless <paramref name="exposed"/> is false) with one port named http.</summary>
    public static JsonObject Service(string name, Dictionary<string, string>? annotations = null, bool exposed = true, string ns = Namespace, params (string? Name, int Port)[] ports)
    {
        var labels = new JsonObject { ["app"] = name };
        if (exposed)
        {
            labels["mlgateway.io/expose"] = "true";
        }

        var annotationObject = new JsonObject();
        foreach (var (key, value) in annotations ?? [])
        {
            annotationObject[key] = value;
        }

        var portArray = new JsonArray();
        foreach (var (portName, port) in ports.Length == 0 ? [("http", 80)] : ports)
        {
            var portObject = new JsonObject { ["port"] = port, ["protocol"] = "TCP", ["targetPort"] = portName is null ? JsonValue.Create(port) : JsonValue.Create(portName) };
            if (portName is not null)
            {
                portObject["name"] = portName;
            }

            portArray.Add(portObject);
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels, ["annotations"] = annotationObject },
            ["spec"] = new JsonObject { ["type"] = "ClusterIP", ["clusterIP"] = "10.96.0.10", ["ports"] = portArray },
        };
    }

    /// <summary>An EndpointSlice of <paramref name="service"/> whose endpoints all listen on <paramref name="port"/> (the resolved target port).</summary>
    public static JsonObject EndpointSlice(string name, string service, int port, string? portName = "http", string ns = Namespace, params Endpoint[] endpoints)
    {
        var endpointArray = new JsonArray();
        foreach (var endpoint in endpoints)
        {
            endpointArray.Add(new JsonObject
            {
                ["addresses"] = new JsonArray(endpoint.Address),
                ["conditions"] = new JsonObject { ["ready"] = endpoint.Ready, ["serving"] = endpoint.Ready || endpoint.Terminating, ["terminating"] = endpoint.Terminating },
            });
        }

        var portObject = new JsonObject { ["port"] = port, ["protocol"] = "TCP" };
        if (portName is not null)
        {
            portObject["name"] = portName;
        }

        return new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service, ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io" },
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = endpointArray,
            ["ports"] = new JsonArray(portObject),
        };
    }

    public static JsonObject ConfigMap(string name, string key, string content, string ns = Namespace) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject { [key] = content },
    };

    public static int PortOf(string url) => new Uri(url).Port;
}
