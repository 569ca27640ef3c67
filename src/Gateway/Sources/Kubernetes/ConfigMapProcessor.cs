using System.Text;
using Gateway.Model;
using Gateway.Sources.File;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Reads the gateway ConfigMap's data key, the same JSON as appsettings' <c>Gateway</c> section (routes and backends
/// only), exactly as the mounted-file source reads it. A ConfigMap that does not exist contributes nothing.
/// </summary>
internal sealed class ConfigMapProcessor(string ns, string name, string key)
{
    private SourceSnapshot? _last;
    private V1ConfigMap? _lastInput;

    public static string SourceName(string ns, string name) => $"configmap {ns}/{name}";

    /// <summary>The snapshot of <paramref name="configMap"/> (null when it does not exist); the previous one itself when it did not change.</summary>
    public SourceSnapshot Build(V1ConfigMap? configMap)
    {
        if (_last is null || !ReferenceEquals(configMap, _lastInput))
        {
            _lastInput = configMap;
            _last = Read(configMap, ns, name, key);
        }

        return _last;
    }

    private static SourceSnapshot Read(V1ConfigMap? configMap, string ns, string name, string key)
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
