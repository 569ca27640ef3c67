using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Deploy;
using k8s;

namespace Gateway.IntegrationTests.Kubernetes;

/// <summary>Ingresses for the fake API server: built in code, or rendered from the repository's examples with kustomize.</summary>
public static class IngressObjects
{
    /// <summary>An Ingress of class mlgateway; each path is <c>(path, service, port)</c> with pathType Prefix unless the path is a regex.</summary>
    public static JsonObject Ingress(string name, Dictionary<string, string>? annotations = null, string? host = null, string ns = KubeObjects.Namespace, params (string Path, string Service, int Port)[] paths)
    {
        var pathArray = new JsonArray();
        foreach (var (path, service, port) in paths)
        {
            pathArray.Add(new JsonObject
            {
                ["path"] = path,
                ["pathType"] = path.IndexOfAny(['(', '[', '*', '$']) >= 0 ? "ImplementationSpecific" : "Prefix",
                ["backend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = service, ["port"] = new JsonObject { ["number"] = port } } },
            });
        }

        var rule = new JsonObject { ["http"] = new JsonObject { ["paths"] = pathArray } };
        if (host is not null)
        {
            rule["host"] = host;
        }

        var annotationObject = new JsonObject();
        foreach (var (key, value) in annotations ?? [])
        {
            annotationObject[key] = value;
        }

        return new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "Ingress",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["annotations"] = annotationObject },
            ["spec"] = new JsonObject { ["ingressClassName"] = "mlgateway", ["rules"] = new JsonArray(rule) },
        };
    }

    /// <summary>The Services and Ingresses of <c>deploy/examples/&lt;example&gt;</c>, rendered by kustomize as <c>kubectl apply -k</c> would send them.</summary>
    public static async Task<List<JsonObject>> ExampleAsync(string example)
    {
        var objects = KubernetesYaml.LoadAllFromString(await Kustomize.RenderAsync(Path.Combine("examples", example)));
        return [.. objects
            .Where(o => o is k8s.Models.V1Service or k8s.Models.V1Ingress)
            .Select(o => JsonNode.Parse(KubernetesJson.Serialize(o))!.AsObject())];
    }
}
