using System.Text;
using Gateway.Model;
using Gateway.Sources.File;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Reads the gateway ConfigMap's data key, the same JSON as appsettings' <c>Gateway</c> section (routes and backends
/// only), exactly as the mounted-file source reads it. A ConfigMap that does not exist contributes nothing.
/// </summary>
internal static class ConfigMapProcessor
{
    public static string SourceName(string ns, string name) => $"configmap {ns}/{name}";

    public static SourceSnapshot Build(V1ConfigMap? configMap, string ns, string name, string key)
    {
        var source = SourceName(ns, name);
        if (configMap is null)
        {
            return new SourceSnapshot(source, GatewayModel.Empty, [])
            {
                Warnings = [new ModelProblem(source, $"ConfigMap '{ns}/{name}'", "", "does not exist; it contributes no routes until it is created")],
            };
        }

        var obj = $"ConfigMap '{ns}/{name}'";
        byte[]? content = null;
        if (configMap.Data?.TryGetValue(key, out var text) == true)
        {
            content = Encoding.UTF8.GetBytes(text);
        }
        else if (configMap.BinaryData?.TryGetValue(key, out var bytes) == true)
        {
            content = bytes;
        }

        if (content is null)
        {
            var keys = (configMap.Data?.Keys ?? []).Concat(configMap.BinaryData?.Keys ?? []).ToList();
            var problem = new ModelProblem(source, obj, $"data[{key}]", $"is missing; the ConfigMap has {(keys.Count == 0 ? "no keys" : "keys " + string.Join(", ", keys))}");
            return new SourceSnapshot(source, GatewayModel.Empty, [problem]);
        }

        if (JsonConfigFile.TryLoad(content, out var error) is not { } config)
        {
            return new SourceSnapshot(source, GatewayModel.Empty, [new ModelProblem(source, obj, $"data[{key}]", error!)]);
        }

        return GatewayConfigReader.Read(config, source, GatewayConfigReader.RoutingKeys);
    }
}
