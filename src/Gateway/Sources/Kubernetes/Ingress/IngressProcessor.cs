using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>
/// Builds the model of our Ingresses: one route per rule path (plus the default backend and the app-root redirect),
/// one backend per Service port, canary Ingresses joined to the main Ingress of the same host and path, and the TLS
/// bindings of <c>spec.tls</c>. An Ingress with a problem is left out alone, with the problem reported; the others are
/// served. Ingresses are read oldest first, so when two claim the same host and path the older one wins, as in
/// ingress-nginx.
/// </summary>
internal sealed class IngressProcessor(IngressOptions options)
{
    public const string Source = "kubernetes ingress";

    private readonly IngressClassFilter _classes = new(options);
    private SourceSnapshot? _last;
    private string? _lastJson;

    public static string RouteName(V1Ingress ingress, string part) => $"ingress/{ingress.Metadata.NamespaceProperty}/{ingress.Metadata.Name}/{part}";

    public IngressBuild Build(IEnumerable<V1Ingress> ingresses, IEnumerable<V1IngressClass> classes, ServiceCatalog catalog)
    {
        var isOurs = _classes.For(classes);
        var ours = ingresses.Where(isOurs)
            .OrderBy(i => i.Metadata.CreationTimestamp ?? DateTime.MinValue)
            .ThenBy(i => i.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(i => i.Metadata.Name, StringComparer.Ordinal)
            .ToArray();
        var reports = new List<IngressReport>();

        // Read every Ingress first: canaries need to know their main Ingress before its routes are built.
        var parsed = new List<(V1Ingress Ingress, IngressSettings Settings, List<IngressPath> Paths)>();
        foreach (var ingress in ours)
        {
            var errors = new List<ModelProblem>();
            var warnings = new List<ModelProblem>();
            var settings = IngressAnnotations.Parse(ingress, Source, errors, warnings);
            var paths = ReadPaths(ingress, errors);
            reports.AddRange(warnings.Select(w => new IngressReport(ingress, w, LeftOut: false)));
            if (settings is null || errors.Count > 0)
            {
                reports.AddRange(errors.Select(e => new IngressReport(ingress, LeftOut(e), LeftOut: true)));
                continue;
            }

            parsed.Add((ingress, settings, paths));
        }

        var claimed = new Dictionary<string, V1Ingress>(StringComparer.Ordinal);
        var canaries = new Dictionary<string, (V1Ingress Ingress, IngressSettings Settings, IngressPath Path)>(StringComparer.Ordinal);
        foreach (var (ingress, settings, paths) in parsed)
        {
            foreach (var path in paths)
            {
                if (settings.Canary is null)
                {
                    claimed.TryAdd(path.Key, ingress);
                }
                else if (!canaries.TryAdd(path.Key, (ingress, settings, path)))
                {
                    reports.Add(new IngressReport(ingress, new ModelProblem(Source, IngressAnnotations.Object(ingress), path.Field,
                        $"is already the canary path of {IngressAnnotations.Object(canaries[path.Key].Ingress)}; one canary Ingress per host and path, as in ingress-nginx, so this one is not served"), LeftOut: false));
                }
            }
        }

        foreach (var (key, canary) in canaries)
        {
            if (!claimed.ContainsKey(key))
            {
                reports.Add(new IngressReport(canary.Ingress, new ModelProblem(Source, IngressAnnotations.Object(canary.Ingress), canary.Path.Field,
                    $"is a canary of host '{canary.Path.Host ?? "*"}' and path '{canary.Path.Path}', but no main Ingress of ours serves them; it is not served until one does"), LeftOut: false));
            }
        }

        var routes = ImmutableArray.CreateBuilder<RouteModel>();
        var backends = new Dictionary<string, BackendModel>(StringComparer.Ordinal);
        var policies = new Dictionary<string, RateLimitPolicy>(StringComparer.Ordinal);
        var tls = ImmutableArray.CreateBuilder<TlsBinding>();
        var served = ImmutableArray.CreateBuilder<V1Ingress>();
        foreach (var (ingress, settings, paths) in parsed)
        {
            if (settings.Canary is not null)
            {
                served.Add(ingress);
                continue;
            }

            var translator = new IngressTranslator(ingress, settings, catalog, Source);
            foreach (var path in paths)
            {
                if (claimed[path.Key] != ingress)
                {
                    reports.Add(new IngressReport(ingress, new ModelProblem(Source, IngressAnnotations.Object(ingress), path.Field,
                        $"takes the same requests (host '{path.Host ?? "*"}', {path.PathType} '{path.Path}') as the older {IngressAnnotations.Object(claimed[path.Key])}, which is served instead, as in ingress-nginx"), LeftOut: false));
                    continue;
                }

                translator.AddPath(path, canaries.TryGetValue(path.Key, out var canary) ? (canary.Settings.Canary!, canary.Path.Service) : null);
            }

            translator.AddDefaultBackend();
            translator.AddAppRoot(paths);
            var problems = translator.Validate();
            if (problems.Count > 0)
            {
                reports.AddRange(problems.Select(p => new IngressReport(ingress, LeftOut(p), LeftOut: true)));
                continue;
            }

            routes.AddRange(translator.Routes);
            foreach (var backend in translator.Backends)
            {
                backends[backend.Name] = backend;
            }

            foreach (var policy in IngressTranslator.Policies(settings))
            {
                policies[policy.Name] = policy;
            }

            tls.AddRange(TlsBindings(ingress));
            served.Add(ingress);
        }

        var model = new GatewayModel
        {
            Routes = routes.ToImmutable(),
            Backends = backends.ToImmutableDictionary(StringComparer.Ordinal),
            RateLimitPolicies = policies.ToImmutableDictionary(StringComparer.Ordinal),
            TlsBindings = tls.ToImmutable(),
        };
        return new IngressBuild(Snapshot(model, [.. reports.Select(r => r.Problem)]), [.. reports], served.ToImmutable());
    }

    /// <summary>
    /// The previous snapshot itself when nothing changed: the shared Service catalog changes with every EndpointSlice of
    /// the cluster, and each new snapshot would cost a reload of the whole configuration.
    /// </summary>
    private SourceSnapshot Snapshot(GatewayModel model, ImmutableArray<ModelProblem> warnings)
    {
        var json = JsonSerializer.Serialize(model, ModelJson.Options) + JsonSerializer.Serialize(warnings, ModelJson.Options);
        if (_last is not null && json == _lastJson)
        {
            return _last;
        }

        _lastJson = json;
        return _last = new SourceSnapshot(Source, model, []) { Warnings = warnings };
    }

    private static List<IngressPath> ReadPaths(V1Ingress ingress, List<ModelProblem> errors)
    {
        var obj = IngressAnnotations.Object(ingress);
        var paths = new List<IngressPath>();
        var rules = ingress.Spec?.Rules ?? [];
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var host = string.IsNullOrEmpty(rule.Host) ? null : rule.Host.ToLowerInvariant();
            var rulePaths = rule.Http?.Paths ?? [];
            for (var p = 0; p < rulePaths.Count; p++)
            {
                var path = rulePaths[p];
                var field = $"spec.rules[{r}].http.paths[{p}]";
                var value = string.IsNullOrEmpty(path.Path) ? "/" : path.Path;
                var type = path.PathType ?? "ImplementationSpecific";
                if (type is not ("Prefix" or "Exact" or "ImplementationSpecific"))
                {
                    errors.Add(new ModelProblem(Source, obj, field + ".pathType", $"'{type}' is not Prefix, Exact or ImplementationSpecific"));
                }

                if (!value.StartsWith('/'))
                {
                    errors.Add(new ModelProblem(Source, obj, field + ".path", $"'{value}' must start with '/'"));
                }

                if (path.Backend?.Service is not { } service)
                {
                    errors.Add(new ModelProblem(Source, obj, field + ".backend", path.Backend?.Resource is not null
                        ? "a resource backend is not supported; name a Service"
                        : "must name a Service"));
                    continue;
                }

                if (ServicePort(service) is null)
                {
                    errors.Add(new ModelProblem(Source, obj, field + ".backend.service.port", "must give the Service port by number or name"));
                    continue;
                }

                paths.Add(new IngressPath(r, p, host, value, type, service));
            }
        }

        if (ingress.Spec?.DefaultBackend is { } defaultBackend && (defaultBackend.Service is not { } defaultService || ServicePort(defaultService) is null))
        {
            errors.Add(new ModelProblem(Source, obj, "spec.defaultBackend", defaultBackend.Resource is not null
                ? "a resource backend is not supported; name a Service"
                : "must name a Service and its port by number or name"));
        }

        if (rules.Count == 0 && ingress.Spec?.DefaultBackend is null)
        {
            errors.Add(new ModelProblem(Source, obj, "spec", "has neither rules nor a defaultBackend; there is nothing to route"));
        }

        return paths;
    }

    /// <summary>The port a backend names, or null when it names none.</summary>
    public static ServicePortReference? ServicePort(V1IngressServiceBackend service) => service.Port switch
    {
        { Number: { } number } => new ServicePortReference(number, null),
        { Name: { Length: > 0 } name } => new ServicePortReference(null, name),
        _ => null,
    };

    public static string PortText(ServicePortReference port) => port.Number?.ToString(CultureInfo.InvariantCulture) ?? port.Name!;

    private static IEnumerable<TlsBinding> TlsBindings(V1Ingress ingress)
    {
        foreach (var entry in ingress.Spec?.Tls ?? [])
        {
            if (string.IsNullOrEmpty(entry.SecretName))
            {
                continue;
            }

            yield return new TlsBinding
            {
                Hostnames = [.. (entry.Hosts ?? []).Select(h => h.ToLowerInvariant())],
                SecretNamespace = ingress.Metadata.NamespaceProperty,
                SecretName = entry.SecretName,
                Source = $"ingress {ingress.Metadata.NamespaceProperty}/{ingress.Metadata.Name}",
            };
        }
    }

    private static ModelProblem LeftOut(ModelProblem problem) => problem with { Message = problem.Message + "; the Ingress is left out until this is fixed" };
}
