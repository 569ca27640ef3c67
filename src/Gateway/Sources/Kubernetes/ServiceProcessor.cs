using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
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
/// Work is in proportion to what changed: <see cref="Update"/> takes the Services that changed, re-reads those alone
/// and rebuilds only the route groups they belong to (their own, and that of the stable Service a canary names); every
/// other route, part, backend and warning is the previous instance. When nothing changed the previous snapshot itself
/// is returned.
/// </remarks>
internal sealed class ServiceProcessor
{
    public const string Source = "kubernetes services";

    // Above this many changed groups the route list is sorted anew rather than edited in place.
    private const int EditLimit = 64;

    private readonly Dictionary<string, Entry> _services = new(StringComparer.Ordinal);

    // The canaries that name each stable Service (admitted or not), in name order.
    private readonly Dictionary<string, SortedSet<string>> _canaries = new(StringComparer.Ordinal);

    private readonly Dictionary<string, Outcome> _outcomes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, ImmutableArray<ModelProblem>> _serviceWarnings = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, ImmutableArray<ModelProblem>> _groupWarnings = new(StringComparer.Ordinal);
    private readonly List<string> _routeIds = [];
    private readonly List<RouteGroup> _routeGroups = [];
    private ImmutableDictionary<string, BackendModel> _backends = ImmutableDictionary<string, BackendModel>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableDictionary<string, RateLimitPolicy> _policies = ImmutableDictionary<string, RateLimitPolicy>.Empty.WithComparers(StringComparer.Ordinal);
    private SourceSnapshot? _last;

    public static string BackendName(string ns, string name) => $"service/{ns}/{name}";

    /// <summary>The model of exactly <paramref name="services"/>: every Service is read again (each one's parse is kept while its object is the same).</summary>
    public SourceSnapshot Build(IEnumerable<V1Service> services, IServiceEndpoints endpoints)
    {
        var changes = new List<(string Key, V1Service? Service)>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var key = Key(service);
            present.Add(key);
            changes.Add((key, service));
        }

        foreach (var key in _services.Keys)
        {
            if (!present.Contains(key))
            {
                changes.Add((key, null));
            }
        }

        return Apply(changes, endpoints);
    }

    /// <summary>
    /// The model after the Services named by <paramref name="changed"/> (namespace/name) changed: <paramref name="find"/>
    /// gives each one's exposed object now, or null when it is gone or no longer labelled. Nothing else is read.
    /// </summary>
    public SourceSnapshot Update(IEnumerable<string> changed, Func<string, V1Service?> find, IServiceEndpoints endpoints)
    {
        var changes = new List<(string Key, V1Service? Service)>();
        foreach (var key in changed)
        {
            changes.Add((key, find(key)));
        }

        return Apply(changes, endpoints);
    }

    private SourceSnapshot Apply(List<(string Key, V1Service? Service)> changes, IServiceEndpoints endpoints)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        var changed = _last is null;
        foreach (var (key, service) in changes)
        {
            _services.TryGetValue(key, out var previous);
            var entry = service is null ? null : Read(service, previous, endpoints);
            if (entry is not null && previous is not null && ReferenceEquals(entry.Parsed, previous.Parsed) && ReferenceEquals(entry.Backend, previous.Backend))
            {
                // The same parse and backend (a new object with the same annotations and ports): no group changes.
                _services[key] = entry;
                continue;
            }

            if (previous?.Parsed.Exposure?.CanaryOf is not null)
            {
                var stable = StableId(previous.Parsed.Exposure);
                _canaries[stable].Remove(key);
                if (_canaries[stable].Count == 0)
                {
                    _canaries.Remove(stable);
                }

                affected.Add(stable);
            }

            if (entry is null)
            {
                _services.Remove(key);
            }
            else
            {
                _services[key] = entry;
                if (entry.Parsed.Exposure?.CanaryOf is not null)
                {
                    var stable = StableId(entry.Parsed.Exposure);
                    ref var siblings = ref CollectionsMarshal.GetValueRefOrAddDefault(_canaries, stable, out _);
                    (siblings ??= new SortedSet<string>(StringComparer.Ordinal)).Add(key);
                    affected.Add(stable);
                }
            }

            affected.Add(key);
            changed |= SetWarnings(_serviceWarnings, key, entry?.Parsed.Warnings ?? []);
        }

        var edits = new List<(string Id, RouteGroup? Previous, RouteGroup? Current)>();
        foreach (var id in affected)
        {
            _outcomes.TryGetValue(id, out var previous);
            var outcome = Regroup(id, previous?.Group);
            changed |= SetWarnings(_groupWarnings, id, outcome.Warnings);
            if (!ReferenceEquals(outcome.Group, previous?.Group))
            {
                edits.Add((id, previous?.Group, outcome.Group));
            }

            if (outcome.Group is null && outcome.Warnings.IsEmpty)
            {
                _outcomes.Remove(id);
            }
            else
            {
                _outcomes[id] = outcome;
            }
        }

        if (!changed && edits.Count == 0)
        {
            return _last!;
        }

        ApplyEdits(edits);
        var routes = ImmutableArray.CreateBuilder<RouteModel>(_routeGroups.Count);
        var parts = ImmutableArray.CreateBuilder<ModelPart>(_routeGroups.Count);
        foreach (var group in _routeGroups)
        {
            routes.Add(group.Route!);
            parts.Add(group.Part!);
        }

        var warnings = ImmutableArray.CreateBuilder<ModelProblem>();
        foreach (var list in _serviceWarnings.Values)
        {
            warnings.AddRange(list);
        }

        foreach (var list in _groupWarnings.Values)
        {
            warnings.AddRange(list);
        }

        var model = new GatewayModel { Routes = routes.MoveToImmutable(), Backends = _backends, RateLimitPolicies = _policies };
        return _last = new SourceSnapshot(Source, model, []) { Warnings = warnings.ToImmutable(), Parts = parts.MoveToImmutable() };
    }

    /// <summary>The Service's parse (kept while the object is the same) and backend (kept while its inputs are).</summary>
    private static Entry Read(V1Service service, Entry? previous, IServiceEndpoints endpoints)
    {
        var parsed = previous is not null && ReferenceEquals(previous.Service, service) ? previous.Parsed : Parse(service);
        if (parsed.Exposure is not { } exposure)
        {
            return new Entry(service, parsed, null);
        }

        var serviceEndpoints = endpoints.EndpointsOf(exposure.Namespace, exposure.Name, parsed.Port!.Name);
        var backend = previous?.Backend;
        if (backend is null || !backend.BuiltFrom(serviceEndpoints, parsed.Port.Name, exposure.Backend))
        {
            backend = new ServiceBackend(serviceEndpoints, parsed.Port.Name, exposure.Backend, exposure.Backend.ApplyTo(new BackendModel
            {
                Name = BackendName(exposure.Namespace, exposure.Name),
                Source = Source,
                Endpoints = serviceEndpoints,
            }));
        }

        return new Entry(service, parsed, backend);
    }

    /// <summary>
    /// The route group of stable Service <paramref name="id"/> with the canaries that name it, and the warnings of the
    /// canaries that cannot join it. A stable Service that does not exist still gets a route when it has canaries.
    /// </summary>
    private Outcome Regroup(string id, RouteGroup? previous)
    {
        var warnings = new List<ModelProblem>();
        var canaries = Canaries(id, warnings);
        if (_services.TryGetValue(id, out var stable) && stable.Parsed.Exposure is { CanaryOf: null } exposure)
        {
            return new Outcome(Group(previous, exposure, stable.Backend!.Backend, canaries), [.. warnings]);
        }

        if (canaries.Count == 0)
        {
            return new Outcome(null, [.. warnings]);
        }

        // Canaries whose stable Service does not exist still get a route, so the missing Service shows up as a 500
        // (and on /config) instead of the canary silently taking all traffic or none.
        var first = canaries[0].Exposure;
        var missing = new BackendModel
        {
            Name = BackendName(first.Namespace, first.CanaryOf!),
            Source = Source,
            UnresolvedReason = $"Service '{id}' named by {MlGatewayAnnotations.CanaryOf} on Service '{first.Id}' does not exist or is not labelled {MlGatewayAnnotations.ExposeLabel}=true",
        };
        warnings.Add(new ModelProblem(Source, $"Service '{first.Id}'", MlGatewayAnnotations.Field(MlGatewayAnnotations.CanaryOf), missing.UnresolvedReason + "; requests for the stable share get 500"));
        var stand = first with { Name = first.CanaryOf!, PathPrefix = "/" + first.CanaryOf, CanaryOf = null, CanaryWeight = 0 };
        return new Outcome(Group(previous, stand, missing, canaries), [.. warnings]);
    }

    /// <summary>The canaries of stable Service <paramref name="stableId"/>, in name order; a canary that cannot join it is reported and dropped.</summary>
    private List<(ServiceExposure Exposure, BackendModel Backend)> Canaries(string stableId, List<ModelProblem> warnings)
    {
        var result = new List<(ServiceExposure Exposure, BackendModel Backend)>();
        if (!_canaries.TryGetValue(stableId, out var names))
        {
            return result;
        }

        _services.TryGetValue(stableId, out var stable);
        foreach (var name in names)
        {
            var entry = _services[name];
            var canary = entry.Parsed.Exposure!;
            string? reason = null;
            if (stable is { Parsed.Exposure: null })
            {
                reason = $"its stable Service '{stableId}' is left out because of its own problem";
            }
            else if (stable is { Parsed.Exposure.CanaryOf: not null })
            {
                reason = $"'{stableId}' is itself a canary; name the stable Service";
            }

            var total = result.Sum(c => c.Exposure.CanaryWeight) + canary.CanaryWeight;
            if (reason is null && total > 100)
            {
                reason = $"the canaries of '{stableId}' would get {total}% of requests together; their weights must add up to 100 or less";
            }

            if (reason is null && canary.Rollout is not null && result.Any(c => c.Exposure.Rollout is not null))
            {
                reason = $"another canary of '{stableId}' already has a rollout; one canary at a time is rolled out";
            }

            if (reason is null && result.Any(c => IsForced(c.Exposure) && canary.Rollout is not null || c.Exposure.Rollout is not null && IsForced(canary)))
            {
                reason = $"another canary of '{stableId}' has the override header or cookie or the rollout; a rollout needs its canary to be the one the overrides select";
            }

            if (reason is not null)
            {
                warnings.Add(Excluded(new ModelProblem(Source, $"Service '{canary.Id}'", MlGatewayAnnotations.Field(MlGatewayAnnotations.CanaryOf), reason)));
                continue;
            }

            result.Add((canary, entry.Backend!.Backend));
        }

        return result;
    }

    /// <summary>Puts the changed groups' routes, backends and policies in place of their previous ones.</summary>
    private void ApplyEdits(List<(string Id, RouteGroup? Previous, RouteGroup? Current)> edits)
    {
        var backends = _backends.ToBuilder();
        var policies = _policies.ToBuilder();
        foreach (var (_, previous, _) in edits)
        {
            foreach (var backend in previous?.Backends ?? [])
            {
                backends.Remove(backend.Name);
            }

            foreach (var policy in PoliciesOf(previous))
            {
                policies.Remove(policy.Name);
            }
        }

        foreach (var (_, _, current) in edits)
        {
            foreach (var backend in current?.Backends ?? [])
            {
                backends[backend.Name] = backend;
            }

            foreach (var policy in PoliciesOf(current))
            {
                policies[policy.Name] = policy;
            }
        }

        _backends = backends.ToImmutable();
        _policies = policies.ToImmutable();
        if (edits.Count > EditLimit)
        {
            SortRoutes();
            return;
        }

        foreach (var (id, _, current) in edits)
        {
            var index = _routeIds.BinarySearch(id, StringComparer.Ordinal);
            if (index >= 0 && current is null)
            {
                _routeIds.RemoveAt(index);
                _routeGroups.RemoveAt(index);
            }
            else if (index >= 0)
            {
                _routeGroups[index] = current!;
            }
            else if (current is not null)
            {
                _routeIds.Insert(~index, id);
                _routeGroups.Insert(~index, current);
            }
        }
    }

    private void SortRoutes()
    {
        _routeIds.Clear();
        foreach (var (id, outcome) in _outcomes)
        {
            if (outcome.Group is not null)
            {
                _routeIds.Add(id);
            }
        }

        _routeIds.Sort(StringComparer.Ordinal);
        _routeGroups.Clear();
        foreach (var id in _routeIds)
        {
            _routeGroups.Add(_outcomes[id].Group!);
        }
    }

    private static bool SetWarnings(SortedDictionary<string, ImmutableArray<ModelProblem>> warnings, string key, ImmutableArray<ModelProblem> current)
    {
        var previous = warnings.TryGetValue(key, out var found) ? found : [];
        if (previous.SequenceEqual(current))
        {
            return false;
        }

        if (current.IsEmpty)
        {
            warnings.Remove(key);
        }
        else
        {
            warnings[key] = current;
        }

        return true;
    }

    private static ImmutableArray<RateLimitPolicy> PoliciesOf(RouteGroup? group) => group is null ? [] : PoliciesOf(group.Stable);

    private static string Key(V1Service service) => $"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}";

    private static string StableId(ServiceExposure canary) => $"{canary.Namespace}/{canary.CanaryOf}";

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

    /// <summary>The group's previous result when its inputs are unchanged; otherwise a freshly built one.</summary>
    private static RouteGroup Group(RouteGroup? previous, ServiceExposure stable, BackendModel stableBackend, List<(ServiceExposure Exposure, BackendModel Backend)> canaries)
    {
        var group = new RouteGroup(stable, stableBackend, [.. canaries]);
        return previous is not null && previous.SameInputs(group) ? previous : Build(group);
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
    /// <see cref="Canaries"/> leaves out a canary that would make them differ).
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

    /// <summary>An exposed Service's object, what it says, and its backend (null when the Service is left out).</summary>
    private sealed record Entry(V1Service Service, ParsedService Parsed, ServiceBackend? Backend);

    /// <summary>A stable Service's route group (null when it has no route) and the warnings of its canaries.</summary>
    private sealed record Outcome(RouteGroup? Group, ImmutableArray<ModelProblem> Warnings);
}
