using System.Collections.Immutable;
using System.Text.Json;
using Gateway.Model;
using Gateway.Sources.Kubernetes.Annotations;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using static Gateway.Sources.Kubernetes.Istio.IstioJson;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// Builds the model of the adopted VirtualServices: one route per <c>http</c> entry, in Istio's order (VirtualServices
/// oldest first, entries as written, first match wins), with backends per destination Service port or DestinationRule
/// subset. Whatever the gateway cannot honour is reported once per object (log, <c>/config</c>, Event) and the route
/// that depends on it is left out; the others are served. Each route is a <see cref="ModelPart"/>, which the store
/// validates on its own.
/// </summary>
internal sealed partial class IstioProcessor(IstioOptions options, ILogger logger, Action<IKubernetesObject<V1ObjectMeta>, string, string>? warn = null)
{
    public const string Source = "kubernetes istio";

    private const string LeftOutTcp = "only http routes are served; TCP and TLS routes are left out";

    // Bounds the memory of "already logged" under churn; forgetting only means a problem may be logged again.
    private const int MaxRemembered = 10_000;

    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private Dictionary<IstioObject, ParsedRule> _rules = new(ReferenceEqualityComparer.Instance);
    private SourceSnapshot? _last;
    private string? _lastJson;

    /// <summary>The pods the last build's subsets select: the pod watches to keep running.</summary>
    public IReadOnlySet<PodSelector> Selectors { get; private set; } = new HashSet<PodSelector>();

    public SourceSnapshot Build(
        IEnumerable<IstioObject> virtualServices,
        IEnumerable<IstioObject> destinationRules,
        IReadOnlyDictionary<string, V1Pod> pods,
        ServiceCatalog catalog)
    {
        var rules = IndexRules(destinationRules);
        var resolver = new DestinationResolver(catalog, rules, pods);
        var routes = ImmutableArray.CreateBuilder<RouteModel>();
        var parts = ImmutableArray.CreateBuilder<ModelPart>();
        var problems = new List<ModelProblem>();
        var ordered = virtualServices
            .OrderBy(v => v.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(v => v.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(v => v.Metadata.Name, StringComparer.Ordinal);
        foreach (var virtualService in ordered)
        {
            var ns = virtualService.Metadata.NamespaceProperty ?? "default";
            var gatewayReport = new ObjectReport(Source, "");
            if (!IstioHosts.IsAdopted(Strings(virtualService.Spec, "gateways", "spec", gatewayReport), ns, options))
            {
                continue;
            }

            var report = new ObjectReport(Source, $"VirtualService '{ns}/{virtualService.Metadata.Name}'");
            foreach (var part in Translate(virtualService, ns, report, resolver))
            {
                routes.AddRange(part.Routes);
                parts.Add(part);
            }

            problems.AddRange(report.Problems);
            Emit(virtualService, report.Object, report.Problems);
        }

        foreach (var rule in resolver.UsedRules)
        {
            problems.AddRange(rule.Report.Problems);
            Emit(rule.Rule, rule.Report.Object, rule.Report.Problems);
        }

        Selectors = resolver.Selectors;
        var used = routes.SelectMany(r => r.Backends.Select(b => b.Name).Concat(r.Filters.Mirrors.Select(m => m.Backend))).ToHashSet(StringComparer.Ordinal);
        var model = new GatewayModel
        {
            Routes = routes.ToImmutable(),
            Backends = resolver.Backends.Where(b => used.Contains(b.Key)).ToImmutableDictionary(StringComparer.Ordinal),
        };

        // Rebuilt values never compare equal (arrays compare by reference): compare what they serialise to.
        var json = JsonSerializer.Serialize(model, ModelJson.Options) + JsonSerializer.Serialize(problems, ModelJson.Options);
        if (_last is not null && json == _lastJson)
        {
            return _last;
        }

        _lastJson = json;
        return _last = new SourceSnapshot(Source, model, []) { Warnings = [.. problems], Parts = parts.ToImmutable() };
    }

    /// <summary>
    /// One part per http route, which the store validates on its own, so a bad value (a host, a regex) leaves out that
    /// route only; its problems are reported on the VirtualService like the others.
    /// </summary>
    private List<ModelPart> Translate(IstioObject virtualService, string ns, ObjectReport report, DestinationResolver resolver)
    {
        var routes = new List<ModelPart>();
        var spec = virtualService.Spec;
        CheckFields(spec, "spec", report, LeftOutTcp, ["hosts", "gateways", "http"], ["exportTo"], "visibility matters inside the mesh only");
        var hosts = Strings(spec, "hosts", "spec", report);
        if (hosts.Count == 0)
        {
            report.Invalid("spec.hosts", "is required: name at least one host (or '*'); the VirtualService is left out");
            return routes;
        }

        var hostnames = hosts.Contains("*")
            ? ImmutableArray<string>.Empty
            : hosts.SelectMany(h => IstioHosts.Expand(h, ns)).Distinct(StringComparer.Ordinal).ToImmutableArray();
        if (!TryReadRollout(virtualService, report, out var rollout))
        {
            return routes;
        }

        var translator = new VirtualServiceTranslator(virtualService, report, resolver, options, rollout);
        var items = Array(spec, "http", "spec", report);
        for (var i = 0; i < items.Length; i++)
        {
            if (translator.Translate(items[i], i, hostnames) is not { } route)
            {
                continue;
            }

            var own = route.Backends.Select(b => b.Name).Concat(route.Filters.Mirrors.Select(m => m.Backend))
                .Distinct(StringComparer.Ordinal)
                .Select(name => resolver.Backends[name]);
            var field = $"spec.http[{i}]";
            routes.Add(new ModelPart(
                [route],
                [.. own],
                [],
                p => new ModelProblem(Source, report.Object, field, $"{p.Field}: {p.Message}; {VirtualServiceTranslator.LeftOut}"),
                problems => Emit(virtualService, report.Object, problems)));
        }

        if (rollout is not null && !routes.Exists(p => p.Routes.Any(r => r.Canary?.Rollout is not null)))
        {
            // After a promotion the canary may be a route's only destination: nothing to roll out, and nothing to refuse.
            report.Ignored(MlGatewayAnnotations.Field(MlGatewayAnnotations.Prefix + "rollout-*"), "no http route splits traffic between two or more destinations, so there is no canary to roll out");
        }

        return routes;
    }

    /// <summary>
    /// The rollout the VirtualService's annotations declare for its http routes that split traffic; false (reported)
    /// when a value is invalid, which leaves the VirtualService out, as a route is never served with part of its behaviour.
    /// </summary>
    private static bool TryReadRollout(IstioObject virtualService, ObjectReport report, out RouteRollout? rollout)
    {
        rollout = null;
        if (virtualService.Metadata.Annotations is not { Count: > 0 } annotations)
        {
            return true;
        }

        foreach (var key in annotations.Keys)
        {
            if (key.StartsWith(MlGatewayAnnotations.Prefix, StringComparison.Ordinal) && !KnownAnnotations.VirtualService.Contains(key))
            {
                report.Ignored(MlGatewayAnnotations.Field(key), $"it is not a VirtualService annotation; known annotations: {string.Join(", ", KnownAnnotations.VirtualService)}");
            }
        }

        var blocking = report.Blocking;
        rollout = RouteRolloutAnnotations.Read(
            key => annotations.TryGetValue(key, out var value) ? value.Trim() : null,
            (key, message) => report.Invalid(MlGatewayAnnotations.Field(key), $"{message}; the VirtualService is left out until this is fixed"));
        return report.Blocking == blocking;
    }

    /// <summary>Parsed rules by the Service they name; a rule in the Service's own namespace wins, then the oldest.</summary>
    private Dictionary<string, ParsedRule> IndexRules(IEnumerable<IstioObject> destinationRules)
    {
        var parsed = new Dictionary<IstioObject, ParsedRule>(ReferenceEqualityComparer.Instance);
        foreach (var rule in destinationRules)
        {
            parsed[rule] = _rules.TryGetValue(rule, out var known) ? known : DestinationRuleReader.Read(rule);
        }

        _rules = parsed;
        var index = new Dictionary<string, ParsedRule>(StringComparer.Ordinal);
        var ordered = parsed.Values
            .Where(r => r.Service is not null)
            .OrderBy(r => r.Rule.Metadata.NamespaceProperty == r.Namespace ? 0 : 1)
            .ThenBy(r => r.Rule.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(r => r.Rule.Metadata.Name, StringComparer.Ordinal);
        foreach (var rule in ordered)
        {
            index.TryAdd($"{rule.Namespace}/{rule.Service}", rule);
        }

        return index;
    }

    /// <summary>Logs and posts an Event for each problem of the object not reported before.</summary>
    private void Emit(IKubernetesObject<V1ObjectMeta> obj, string name, IEnumerable<ModelProblem> problems)
    {
        foreach (var problem in problems)
        {
            var key = $"{obj.Metadata.Uid ?? name}|{problem.Field}|{problem.Message}";
            if (_reported.Count > MaxRemembered)
            {
                _reported.Clear();
            }

            if (_reported.Add(key))
            {
                LogProblem(logger, problem.ToString());
                warn?.Invoke(obj, "UnsupportedConfiguration", $"{problem.Field}: {problem.Message}");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
