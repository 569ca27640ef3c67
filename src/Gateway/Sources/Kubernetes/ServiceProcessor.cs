using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model;
using Gateway.Sources.Kubernetes.Annotations;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Builds the model of the exposed Services: one route per stable Service (its canaries add weighted backend refs),
/// one backend per Service with the ready pod endpoints of its EndpointSlices (a live set, which changes in place). A Service with a problem is left out
/// alone, with the problem reported; the others are served. Each route with its backends is a <see cref="ModelPart"/>:
/// the store validates it on its own, so a value only validation catches (say an invalid host) leaves out that Service
/// only.
/// </summary>
/// <remarks>
/// Rebuilds are incremental: the cache hands out a new object only when it changed, so results are kept per object
/// and per route group, and a rollout touching one Service costs one group, not all of them. When nothing changed the
/// previous snapshot itself is returned.
/// </remarks>
internal sealed class ServiceProcessor
{
    public const string Source = "kubernetes services";

    private Dictionary<V1Service, ParsedService> _parsed = new(ReferenceEqualityComparer.Instance);
    private Dictionary<string, ServiceBackend> _backends = new(StringComparer.Ordinal);
    private Dictionary<string, RouteGroup> _groups = new(StringComparer.Ordinal);
    private SourceSnapshot? _last;

    public static string BackendName(string ns, string name) => $"service/{ns}/{name}";

    public SourceSnapshot Build(IEnumerable<V1Service> services, IServiceEndpoints endpoints)
    {
        var warnings = new List<ModelProblem>();
        var parsed = new Dictionary<V1Service, ParsedService>(ReferenceEqualityComparer.Instance);
        var backends = new Dictionary<string, ServiceBackend>(StringComparer.Ordinal);
        var exposures = new Dictionary<string, (ServiceExposure Exposure, BackendModel Backend)>(StringComparer.Ordinal);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (!_parsed.TryGetValue(service, out var result))
            {
                result = Parse(service);
            }

            parsed[service] = result;
            warnings.AddRange(result.Warnings);
            if (result.Exposure is not { } exposure)
            {
                excluded.Add($"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}");
                continue;
            }

            var id = exposure.Id;
            var serviceEndpoints = endpoints.EndpointsOf(exposure.Namespace, exposure.Name, result.Port!.Name);
            if (!_backends.TryGetValue(id, out var backend) || !backend.BuiltFrom(serviceEndpoints, result.Port.Name, exposure.Backend))
            {
                backend = new ServiceBackend(serviceEndpoints, result.Port.Name, exposure.Backend, exposure.Backend.ApplyTo(new BackendModel
                {
                    Name = BackendName(exposure.Namespace, exposure.Name),
                    Source = Source,
                    Endpoints = serviceEndpoints,
                }));
            }

            backends[id] = backend;
            exposures[id] = (exposure, backend.Backend);
        }

        _parsed = parsed;
        _backends = backends;

        var groups = new Dictionary<string, RouteGroup>(StringComparer.Ordinal);
        var canaries = CanariesByStable(exposures, excluded, warnings);
        foreach (var (id, (exposure, backend)) in exposures)
        {
            if (exposure.CanaryOf is null)
            {
                canaries.Remove(id, out var own);
                groups[id] = Group(id, exposure, backend, own ?? []);
            }
        }

        // Canaries whose stable Service does not exist still get a route, so the missing Service shows up as a 500
        // (and on /config) instead of the canary silently taking all traffic or none.
        foreach (var (stableId, own) in canaries)
        {
            var first = own[0].Exposure;
            var missing = new BackendModel
            {
                Name = BackendName(first.Namespace, first.CanaryOf!),
                Source = Source,
                UnresolvedReason = $"Service '{stableId}' named by {MlGatewayAnnotations.CanaryOf} on Service '{first.Id}' does not exist or is not labelled {MlGatewayAnnotations.ExposeLabel}=true",
            };
            warnings.Add(new ModelProblem(Source, $"Service '{first.Id}'", MlGatewayAnnotations.Field(MlGatewayAnnotations.CanaryOf), missing.UnresolvedReason + "; requests for the stable share get 500"));
            var stable = first with { Name = first.CanaryOf!, PathPrefix = "/" + first.CanaryOf, CanaryOf = null, CanaryWeight = 0 };
            groups[stableId] = Group(stableId, stable, missing, own);
        }

        var ids = groups.Keys.ToArray();
        Array.Sort(ids, StringComparer.Ordinal);
        var routes = ImmutableArray.CreateBuilder<RouteModel>(ids.Length);
        var parts = ImmutableArray.CreateBuilder<ModelPart>(ids.Length);
        foreach (var id in ids)
        {
            var group = groups[id];
            routes.Add(group.Route!);
            parts.Add(group.Part!);
        }

        var backendModels = UpdateBackends(groups, out var unchanged);
        _groups = groups;
        if (unchanged && _last!.Warnings.SequenceEqual(warnings))
        {
            return _last;
        }

        var policies = ImmutableDictionary.CreateBuilder<string, RateLimitPolicy>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (groups[id] is { Stable.RateLimit: { } policy })
            {
                policies[policy.Name] = policy;
            }

            if (groups[id] is { Stable.TokenLimit: { } tokenPolicy })
            {
                policies[tokenPolicy.Name] = tokenPolicy;
            }
        }

        var model = new GatewayModel { Routes = routes.ToImmutable(), Backends = backendModels, RateLimitPolicies = policies.ToImmutable() };
        return _last = new SourceSnapshot(Source, model, []) { Warnings = [.. warnings], Parts = parts.MoveToImmutable() };
    }

    /// <summary>The previous snapshot's backends with only the changed groups' backends replaced: a small edit of a large map.</summary>
    private ImmutableDictionary<string, BackendModel> UpdateBackends(Dictionary<string, RouteGroup> groups, out bool unchanged)
    {
        var builder = (_last?.Model.Backends ?? ImmutableDictionary<string, BackendModel>.Empty.WithComparers(StringComparer.Ordinal)).ToBuilder();
        unchanged = _last is not null && groups.Count == _groups.Count;
        foreach (var (id, previous) in _groups)
        {
            if (!groups.TryGetValue(id, out var current) || !ReferenceEquals(current, previous))
            {
                unchanged = false;
                foreach (var backend in previous.Backends)
                {
                    builder.Remove(backend.Name);
                }
            }
        }

        foreach (var (id, current) in groups)
        {
            if (!_groups.TryGetValue(id, out var previous) || !ReferenceEquals(current, previous))
            {
                unchanged = false;
                foreach (var backend in current.Backends)
                {
                    builder[backend.Name] = backend;
                }
            }
        }

        return builder.ToImmutable();
    }

    private static ParsedService Parse(V1Service service)
    {
        var problems = new List<ModelProblem>();
        var warnings = new List<ModelProblem>();
        var exposure = ServiceAnnotations.Parse(service, Source, problems, warnings);
        var port = exposure is null ? null : ResolvePort(service, exposure.Port, problems);
        if (exposure is null || port is null)
        {
            warnings.AddRange(problems.Select(Excluded));
            return new ParsedService(null, null, [.. warnings]);
        }

        return new ParsedService(exposure, port, [.. warnings]);
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

            problems.Add(new ModelProblem(Source, obj, MlGatewayAnnotations.Field(MlGatewayAnnotations.Port), ports.Count == 0
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

        problems.Add(new ModelProblem(Source, obj, MlGatewayAnnotations.Field(MlGatewayAnnotations.Port), $"'{wanted}' is not a port of the Service; its ports are {PortList(ports)}"));
        return null;
    }

    private static string PortList(IList<V1ServicePort> ports) =>
        ports.Count == 0 ? "none" : string.Join(", ", ports.Select(p => p.Name is { Length: > 0 } name ? $"{name} ({p.Port})" : p.Port.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Canaries grouped by stable Service id, in name order; a canary that cannot join its stable is reported and dropped.</summary>
    private static Dictionary<string, List<(ServiceExposure Exposure, BackendModel Backend)>> CanariesByStable(
        Dictionary<string, (ServiceExposure Exposure, BackendModel Backend)> exposures,
        HashSet<string> excluded,
        List<ModelProblem> warnings)
    {
        var result = new Dictionary<string, List<(ServiceExposure Exposure, BackendModel Backend)>>(StringComparer.Ordinal);
        var all = exposures.Values.Where(e => e.Exposure.CanaryOf is not null).OrderBy(e => e.Exposure.Id, StringComparer.Ordinal);
        foreach (var (canary, backend) in all)
        {
            var stable = canary.CanaryOf!;

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

            var total = (result.TryGetValue(stableId, out var siblings) ? siblings.Sum(c => c.Exposure.CanaryWeight) : 0) + canary.CanaryWeight;
            if (reason is null && total > 100)
            {
                reason = $"the canaries of '{stableId}' would get {total}% of requests together; their weights must add up to 100 or less";
            }

            if (reason is null && canary.Rollout is not null && siblings is not null && siblings.Any(c => c.Exposure.Rollout is not null))
            {
                reason = $"another canary of '{stableId}' already has a rollout; one canary at a time is rolled out";
            }

            if (reason is null && siblings is not null && siblings.Any(c => IsForced(c.Exposure) && canary.Rollout is not null || c.Exposure.Rollout is not null && IsForced(canary)))
            {
                reason = $"another canary of '{stableId}' has the override header or cookie or the rollout; a rollout needs its canary to be the one the overrides select";
            }

            if (reason is not null)
            {
                warnings.Add(Excluded(new ModelProblem(Source, $"Service '{canary.Id}'", MlGatewayAnnotations.Field(MlGatewayAnnotations.CanaryOf), reason)));
                continue;
            }

            if (siblings is null)
            {
                result[stableId] = siblings = [];
            }

            siblings.Add((canary, backend));
        }

        return result;
    }

    /// <summary>The group's previous result when its inputs are unchanged; otherwise a freshly built one.</summary>
    private RouteGroup Group(string id, ServiceExposure stable, BackendModel stableBackend, List<(ServiceExposure Exposure, BackendModel Backend)> canaries)
    {
        var group = new RouteGroup(stable, stableBackend, [.. canaries]);
        return _groups.TryGetValue(id, out var previous) && previous.SameInputs(group) ? previous : Build(group);
    }

    private static RouteGroup Build(RouteGroup group)
    {
        var stable = group.Stable;
        var refs = ImmutableArray.CreateBuilder<BackendRef>();
        var backends = ImmutableArray.CreateBuilder<BackendModel>();
        refs.Add(new BackendRef(group.StableBackend.Name, 100 - group.Canaries.Sum(c => c.Exposure.CanaryWeight)));
        backends.Add(group.StableBackend);
        foreach (var (canary, backend) in group.Canaries)
        {
            refs.Add(new BackendRef(backend.Name, canary.CanaryWeight));
            backends.Add(backend);
        }

        // ingress-nginx semantics: the canary that names an override header or cookie is the one it forces.
        var forced = group.Canaries.FirstOrDefault(c => (c.Exposure.CanaryHeader ?? c.Exposure.CanaryCookie) is not null);
        var rolling = group.Canaries.FirstOrDefault(c => c.Exposure.Rollout is not null);
        var route = new RouteModel
        {
            Name = BackendName(stable.Namespace, stable.Name),
            Source = Source,
            Hostnames = stable.Host is { } host ? [host] : [],
            Matches =
            [
                new RouteMatch
                {
                    Path = new PathMatch(PathMatchType.PathPrefix, stable.PathPrefix),
                    Headers = stable.Model is { } model ? [new ValueMatch(InferenceHeaders.ModelName, model)] : [],
                },
            ],
            Filters = stable.StripPrefix
                ? new RouteFilters { UrlRewrite = new UrlRewrite { Path = new PathRewrite(PathRewriteType.ReplacePrefixMatch, "/") } }
                : RouteFilters.None,
            Backends = refs.ToImmutable(),
            RateLimitPolicy = stable.RateLimit?.Name,
            TokenLimitPolicy = stable.TokenLimit?.Name ?? stable.TokenLimitPolicy,
            AuthPolicies = stable.AuthPolicies,
            ModelCanary = stable.ModelCanary,
            Canary = CanaryOf(forced, rolling),
        };
        var obj = $"Service '{stable.Id}'";
        var part = new ModelPart(
            [route],
            backends.ToImmutable(),
            PoliciesOf(stable),
            p => Excluded(new ModelProblem(Source, obj, AnnotationFor(p.Field), p.Message)));
        return group with { Route = route, Part = part };
    }

    private static bool IsForced(ServiceExposure canary) => (canary.CanaryHeader ?? canary.CanaryCookie) is not null;

    /// <summary>
    /// The route's canary: the one an override header or cookie forces, or the one a rollout steps (the same one, as
    /// <see cref="CanariesByStable"/> leaves out a canary that would make them differ).
    /// </summary>
    private static CanaryPolicy? CanaryOf((ServiceExposure Exposure, BackendModel Backend) forced, (ServiceExposure Exposure, BackendModel Backend) rolling)
    {
        if (forced.Exposure is { } forcedCanary)
        {
            return new CanaryPolicy
            {
                Backend = forced.Backend.Name,
                Header = forcedCanary.CanaryHeader,
                HeaderValue = forcedCanary.CanaryHeaderValue,
                Cookie = forcedCanary.CanaryCookie,
                Rollout = forcedCanary.Rollout,
            };
        }

        return rolling.Exposure is { } rollingCanary ? new CanaryPolicy { Backend = rolling.Backend.Name, Rollout = rollingCanary.Rollout } : null;
    }

    private static ImmutableArray<RateLimitPolicy> PoliciesOf(ServiceExposure stable) =>
        (stable.RateLimit, stable.TokenLimit) switch
        {
            ({ } requests, { } tokens) => [requests, tokens],
            ({ } requests, null) => [requests],
            (null, { } tokens) => [tokens],
            _ => [],
        };

    /// <summary>Points a model field back at the annotation it came from.</summary>
    private static string AnnotationFor(string field) =>
        field.StartsWith("Hostnames", StringComparison.Ordinal) ? MlGatewayAnnotations.Field(MlGatewayAnnotations.Host)
        : field.StartsWith("Matches", StringComparison.Ordinal) ? MlGatewayAnnotations.Field(MlGatewayAnnotations.PathPrefix)
        : field.StartsWith("ModelCanary.StickyHeader", StringComparison.Ordinal) ? MlGatewayAnnotations.Field(MlGatewayAnnotations.ModelStickyHeader)
        : field.StartsWith("ModelCanary", StringComparison.Ordinal) ? MlGatewayAnnotations.Field(MlGatewayAnnotations.ModelVariants)
        : field.StartsWith("TokenLimitPolicy", StringComparison.Ordinal) ? MlGatewayAnnotations.Field(MlGatewayAnnotations.TokenLimitPolicy)
        : field;

    private static ModelProblem Excluded(ModelProblem problem) => problem with { Message = problem.Message + "; the Service is left out until this is fixed" };
}
