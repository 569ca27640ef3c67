using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Builds the model of the exposed Services: one route per stable Service (its canaries add weighted backend refs),
/// one backend per Service with the ready pod endpoints of its EndpointSlices. A Service with a problem is left out
/// alone, with the problem reported; the others are served.
/// </summary>
internal static class ServiceProcessor
{
    public const string Source = "kubernetes services";

    public static string BackendName(string ns, string name) => $"service/{ns}/{name}";

    public static SourceSnapshot Build(IEnumerable<V1Service> services, IEnumerable<V1EndpointSlice> slices)
    {
        var warnings = new List<ModelProblem>();
        var slicesByService = new EndpointSliceIndex(slices);
        var exposures = new SortedDictionary<string, (ServiceExposure Exposure, BackendModel Backend)>(StringComparer.Ordinal);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var problems = new List<ModelProblem>();
            var exposure = ServiceAnnotations.Parse(service, Source, problems, warnings);
            var port = exposure is null ? null : ResolvePort(service, exposure.Port, problems);
            if (exposure is null || port is null)
            {
                warnings.AddRange(problems.Select(Excluded));
                excluded.Add($"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}");
                continue;
            }

            var backend = new BackendModel
            {
                Name = BackendName(exposure.Namespace, exposure.Name),
                Source = Source,
                Endpoints = slicesByService.Endpoints(exposure.Namespace, exposure.Name, port.Name),
            };
            exposures[exposure.Id] = (exposure, backend);
        }

        var canaries = CanariesByStable(exposures.Values.Select(e => e.Exposure), exposures, excluded, warnings);
        var routes = ImmutableArray.CreateBuilder<RouteModel>();
        var backends = ImmutableDictionary.CreateBuilder<string, BackendModel>(StringComparer.Ordinal);
        foreach (var (id, (exposure, backend)) in exposures)
        {
            if (exposure.CanaryOf is not null)
            {
                continue;
            }

            canaries.Remove(id, out var ownCanaries);
            AddIfValid(exposure, backend, ownCanaries ?? [], exposures, routes, backends, warnings);
        }

        // Canaries whose stable Service does not exist still get a route, so the missing Service shows up as a 500
        // (and on /config) instead of the canary silently taking all traffic or none.
        foreach (var (stableId, ownCanaries) in canaries)
        {
            var first = ownCanaries[0];
            var missing = new BackendModel
            {
                Name = BackendName(first.Namespace, first.CanaryOf!),
                Source = Source,
                UnresolvedReason = $"Service '{stableId}' named by {ServiceAnnotations.CanaryOf} on Service '{first.Id}' does not exist or is not labelled {ServiceAnnotations.ExposeLabel}=true",
            };
            warnings.Add(new ModelProblem(Source, $"Service '{first.Id}'", ServiceAnnotations.Field(ServiceAnnotations.CanaryOf), missing.UnresolvedReason + "; requests for the stable share get 500"));
            var stable = first with { Name = first.CanaryOf!, PathPrefix = "/" + first.CanaryOf, CanaryOf = null, CanaryWeight = 0 };
            AddIfValid(stable, missing, ownCanaries, exposures, routes, backends, warnings);
        }

        var model = new GatewayModel { Routes = routes.ToImmutable(), Backends = backends.ToImmutable() };
        return new SourceSnapshot(Source, model, []) { Warnings = [.. warnings] };
    }

    private static V1ServicePort? ResolvePort(V1Service service, string? wanted, List<ModelProblem> problems)
    {
        var ports = service.Spec?.Ports ?? [];
        var obj = ServiceAnnotations.Object(service);
        if (wanted is null)
        {
            if (ports.Count == 1)
            {
                return ports[0];
            }

            problems.Add(new ModelProblem(Source, obj, ServiceAnnotations.Field(ServiceAnnotations.Port), ports.Count == 0
                ? "the Service has no ports; add a port to spec.ports"
                : $"the Service has {ports.Count} ports ({PortList(ports)}); name the one to proxy to with this annotation"));
            return null;
        }

        foreach (var port in ports)
        {
            if (port.Name == wanted || port.Port.ToString(CultureInfo.InvariantCulture) == wanted)
            {
                return port;
            }
        }

        problems.Add(new ModelProblem(Source, obj, ServiceAnnotations.Field(ServiceAnnotations.Port), $"'{wanted}' is not a port of the Service; its ports are {PortList(ports)}"));
        return null;
    }

    private static string PortList(IList<V1ServicePort> ports) =>
        ports.Count == 0 ? "none" : string.Join(", ", ports.Select(p => p.Name is { Length: > 0 } name ? $"{name} ({p.Port})" : p.Port.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Canaries grouped by stable Service id, in name order; a canary that cannot join its stable is reported and dropped.</summary>
    private static Dictionary<string, List<ServiceExposure>> CanariesByStable(
        IEnumerable<ServiceExposure> all,
        SortedDictionary<string, (ServiceExposure Exposure, BackendModel Backend)> exposures,
        HashSet<string> excluded,
        List<ModelProblem> warnings)
    {
        var result = new Dictionary<string, List<ServiceExposure>>(StringComparer.Ordinal);
        foreach (var canary in all)
        {
            if (canary.CanaryOf is not { } stable)
            {
                continue;
            }

            var stableId = $"{canary.Namespace}/{stable}";
            string? reason = null;
            if (excluded.Contains(stableId))
            {
                reason = $"its stable Service '{stableId}' is left out because of its own problem";
            }
            else if (exposures.TryGetValue(stableId, out var found) && found.Exposure.CanaryOf is not null)
            {
                reason = $"'{stableId}' is itself a canary; name the stable Service";
            }

            var total = (result.TryGetValue(stableId, out var siblings) ? siblings.Sum(c => c.CanaryWeight) : 0) + canary.CanaryWeight;
            if (reason is null && total > 100)
            {
                reason = $"the canaries of '{stableId}' would get {total}% of requests together; their weights must add up to 100 or less";
            }

            if (reason is not null)
            {
                warnings.Add(Excluded(new ModelProblem(Source, $"Service '{canary.Id}'", ServiceAnnotations.Field(ServiceAnnotations.CanaryOf), reason)));
                continue;
            }

            if (siblings is null)
            {
                result[stableId] = siblings = [];
            }

            siblings.Add(canary);
        }

        return result;
    }

    /// <summary>
    /// Adds the Service's route and backends after validating them on their own, so one Service's bad value (say an
    /// invalid host) leaves out that Service only instead of making the whole snapshot fail validation.
    /// </summary>
    private static void AddIfValid(
        ServiceExposure stable,
        BackendModel stableBackend,
        List<ServiceExposure> canaries,
        SortedDictionary<string, (ServiceExposure Exposure, BackendModel Backend)> exposures,
        ImmutableArray<RouteModel>.Builder routes,
        ImmutableDictionary<string, BackendModel>.Builder backends,
        List<ModelProblem> warnings)
    {
        var refs = ImmutableArray.CreateBuilder<BackendRef>();
        var ownBackends = ImmutableDictionary.CreateBuilder<string, BackendModel>(StringComparer.Ordinal);
        refs.Add(new BackendRef(stableBackend.Name, 100 - canaries.Sum(c => c.CanaryWeight)));
        ownBackends[stableBackend.Name] = stableBackend;
        foreach (var canary in canaries)
        {
            var backend = exposures[canary.Id].Backend;
            refs.Add(new BackendRef(backend.Name, canary.CanaryWeight));
            ownBackends[backend.Name] = backend;
        }

        var route = new RouteModel
        {
            Name = BackendName(stable.Namespace, stable.Name),
            Source = Source,
            Hostnames = stable.Host is { } host ? [host] : [],
            Matches = [new RouteMatch { Path = new PathMatch(PathMatchType.PathPrefix, stable.PathPrefix) }],
            Filters = stable.StripPrefix
                ? new RouteFilters { UrlRewrite = new UrlRewrite { Path = new PathRewrite(PathRewriteType.ReplacePrefixMatch, "/") } }
                : RouteFilters.None,
            Backends = refs.ToImmutable(),
        };
        var problems = ModelValidator.Validate(new GatewayModel { Routes = [route], Backends = ownBackends.ToImmutable() });
        if (problems.Count > 0)
        {
            var obj = $"Service '{stable.Id}'";
            warnings.AddRange(problems.Select(p => Excluded(new ModelProblem(Source, obj, AnnotationFor(p.Field), p.Message))));
            return;
        }

        routes.Add(route);
        foreach (var (name, backend) in ownBackends)
        {
            backends[name] = backend;
        }
    }

    /// <summary>Points a model field back at the annotation it came from.</summary>
    private static string AnnotationFor(string field) =>
        field.StartsWith("Hostnames", StringComparison.Ordinal) ? ServiceAnnotations.Field(ServiceAnnotations.Host)
        : field.StartsWith("Matches", StringComparison.Ordinal) ? ServiceAnnotations.Field(ServiceAnnotations.PathPrefix)
        : field;

    private static ModelProblem Excluded(ModelProblem problem) => problem with { Message = problem.Message + "; the Service is left out until this is fixed" };
}
