using System.Text.Json;
using static Gateway.Sources.Kubernetes.Istio.IstioJson;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>Reads a DestinationRule: its host, its traffic policy and its subsets.</summary>
internal static class DestinationRuleReader
{
    public static ParsedRule Read(IstioObject rule)
    {
        var ns = rule.Metadata.NamespaceProperty ?? "default";
        var report = new ObjectReport(IstioProcessor.Source, $"DestinationRule '{ns}/{rule.Metadata.Name}'");
        var spec = rule.Spec;
        CheckFields(spec, "spec", report, TrafficPolicyReader.LeftOut, ["host", "trafficPolicy", "subsets"], ["exportTo"], "visibility matters inside the mesh only");
        var host = String(spec, "host", "spec", report);
        var service = host is null ? null : IstioHosts.ServiceOf(host, ns);
        if (host is null)
        {
            report.Invalid("spec.host", "is required");
        }
        else if (service is null)
        {
            report.Unsupported("spec.host", $"'{host}' is not a Service of the cluster (a short name or name.namespace.svc.cluster.local); the rule is not used");
        }

        var blocking = report.Blocking;
        var settings = TryGet(spec, "trafficPolicy", out var policy) ? TrafficPolicyReader.Read(policy, "spec.trafficPolicy", report) : TrafficSettings.None;
        var blocked = report.Blocking != blocking;

        var subsets = new Dictionary<string, ParsedSubset>(StringComparer.Ordinal);
        var items = Array(spec, "subsets", "spec", report);
        for (var i = 0; i < items.Length; i++)
        {
            if (ReadSubset(items[i], $"spec.subsets[{i}]", report, settings) is { } subset && !subsets.TryAdd(subset.Name, subset))
            {
                report.Invalid($"spec.subsets[{i}].name", $"'{subset.Name}' is defined twice; the first one is used");
            }
        }

        return new ParsedRule(rule, report, service?.Namespace ?? ns, service?.Name, settings, blocked, subsets);
    }

    private static ParsedSubset? ReadSubset(JsonElement item, string path, ObjectReport report, TrafficSettings ruleSettings)
    {
        var blocking = report.Blocking;
        if (!CheckFields(item, path, report, "routes to this subset are left out", ["name", "labels", "trafficPolicy"]))
        {
            return null;
        }

        var name = String(item, "name", path, report);
        if (string.IsNullOrEmpty(name))
        {
            report.Invalid($"{path}.name", "is required");
            return null;
        }

        var labels = StringMap(item, "labels", path, report).ToDictionary(StringComparer.Ordinal);
        if (labels.Count == 0)
        {
            report.Unsupported($"{path}.labels", "a subset without labels would select every pod of the namespace; give it labels");
        }

        var settings = TryGet(item, "trafficPolicy", out var policy) ? TrafficPolicyReader.Read(policy, $"{path}.trafficPolicy", report) : TrafficSettings.None;
        return new ParsedSubset(name, labels, settings.Over(ruleSettings), report.Blocking != blocking);
    }
}
