using System.Globalization;
using System.Text.Json;
using Gateway.Model;
using k8s.Models;
using static Gateway.Sources.Kubernetes.Istio.IstioJson;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// Resolves VirtualService destinations to model backends during one rebuild: a Service port, or one DestinationRule
/// subset of it (the Service's endpoints whose pod carries the subset's labels), with the rule's traffic settings.
/// Collects the backends and the pod selectors the subsets need.
/// </summary>
internal sealed class DestinationResolver(
    ServiceCatalog catalog,
    IReadOnlyDictionary<string, ParsedRule> rules,
    IReadOnlyDictionary<string, V1Pod> pods)
{
    public Dictionary<string, BackendModel> Backends { get; } = new(StringComparer.Ordinal);

    public HashSet<PodSelector> Selectors { get; } = [];

    /// <summary>The rules some destination used, whose own problems are worth reporting.</summary>
    public HashSet<ParsedRule> UsedRules { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The backend of a <c>Destination</c>, or null when it cannot be used (reported as blocking).</summary>
    public ResolvedDestination? Resolve(string ns, JsonElement destination, string path, ObjectReport report)
    {
        if (!CheckFields(destination, path, report, VirtualServiceTranslator.LeftOut, ["host", "subset", "port"]))
        {
            return null;
        }

        var host = String(destination, "host", path, report);
        var subset = String(destination, "subset", path, report);
        int? number = null;
        if (TryGet(destination, "port", out var port) && CheckFields(port, $"{path}.port", report, VirtualServiceTranslator.LeftOut, ["number"]))
        {
            number = Int(port, "number", $"{path}.port", report);
        }

        if (host is null)
        {
            report.Invalid($"{path}.host", "is required; " + VirtualServiceTranslator.LeftOut);
            return null;
        }

        if (IstioHosts.ServiceOf(host, ns) is not var (serviceNs, serviceName))
        {
            report.Unsupported($"{path}.host", $"'{host}' is not a Service of the cluster (a short name or name.namespace.svc.cluster.local); only Services can be destinations (ServiceEntry hosts are not read); {VirtualServiceTranslator.LeftOut}");
            return null;
        }

        var rule = RuleFor(serviceNs, serviceName);
        ParsedSubset? parsedSubset = null;
        if (subset is not null)
        {
            rule?.Subsets.TryGetValue(subset, out parsedSubset);
        }

        if (rule is { Blocked: true } || parsedSubset is { Blocked: true })
        {
            report.Invalid(path, $"{rule!.Report.Object} has settings the gateway does not support (see its problems); {VirtualServiceTranslator.LeftOut}");
            return null;
        }

        var service = catalog.Find(serviceNs, serviceName);
        var portReference = number is null ? ServicePortReference.OnlyPort : new ServicePortReference(number, null);
        var servicePort = service is null ? null : FindPort(service, portReference);
        var portLabel = servicePort?.Port.ToString(CultureInfo.InvariantCulture) ?? number?.ToString(CultureInfo.InvariantCulture) ?? "port";
        var name = $"istio/{serviceNs}/{serviceName}:{portLabel}" + (subset is null ? "" : "/" + subset);
        var settings = parsedSubset?.Settings ?? rule?.Settings ?? TrafficSettings.None;
        if (!Backends.ContainsKey(name))
        {
            var backend = catalog.Resolve(name, IstioProcessor.Source, serviceNs, serviceName, portReference);
            if (subset is not null && backend.UnresolvedReason is null)
            {
                backend = parsedSubset is null
                    ? backend with { Endpoints = [], UnresolvedReason = $"subset '{subset}' of Service '{serviceNs}/{serviceName}' is not defined by a DestinationRule" }
                    : backend with { Endpoints = SubsetEndpoints(serviceNs, serviceName, servicePort!, parsedSubset) };
            }

            Backends[name] = settings.ApplyTo(backend);
        }

        if (Backends[name].UnresolvedReason is { } reason)
        {
            report.Warn(path, $"{reason}; its share of requests is answered with 500");
        }

        return new ResolvedDestination(name, settings.LoadBalancing);
    }

    private ParsedRule? RuleFor(string ns, string service)
    {
        var rule = rules.GetValueOrDefault($"{ns}/{service}");
        if (rule is not null)
        {
            UsedRules.Add(rule);
        }

        return rule;
    }

    /// <summary>Ready endpoints of the Service port whose pod (the slice's targetRef) carries every label of the subset.</summary>
    private System.Collections.Immutable.ImmutableArray<string> SubsetEndpoints(string ns, string service, V1ServicePort port, ParsedSubset subset)
    {
        Selectors.Add(PodSelector.For(ns, subset.Labels));
        return EndpointSliceIndex.Endpoints(catalog.EndpointSlices.SlicesOf(ns, service), port.Name, endpoint =>
            endpoint.TargetRef is { Kind: "Pod", Name: { } podName }
            && pods.TryGetValue($"{ns}/{podName}", out var pod)
            && HasLabels(pod, subset.Labels));
    }

    private static bool HasLabels(V1Pod pod, IReadOnlyDictionary<string, string> labels)
    {
        var podLabels = pod.Metadata.Labels;
        foreach (var (key, value) in labels)
        {
            if (podLabels is null || !podLabels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        return true;
    }

    private static V1ServicePort? FindPort(V1Service service, ServicePortReference reference)
    {
        var ports = service.Spec?.Ports ?? [];
        if (reference == ServicePortReference.OnlyPort)
        {
            return ports.Count == 1 ? ports[0] : null;
        }

        return ports.FirstOrDefault(p => p.Port == reference.Number);
    }
}
