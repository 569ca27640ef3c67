using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model;
using Gateway.Sources.Kubernetes.Istio;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// The InferencePools of one rebuild and the pods their selectors watch. A pool becomes a backend whose endpoints are
/// its ready member pods on its target port; a pool the gateway cannot serve becomes a backend with the reason.
/// </summary>
internal sealed class InferencePoolCatalog
{
    /// <summary>The picker's port when the pool names none, as the API specifies.</summary>
    public const int DefaultPickerPort = 9002;

    private readonly Dictionary<string, InferencePoolObject> _pools = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, V1Pod> _pods;
    private readonly ServiceCatalog? _services;
    private readonly Dictionary<InferencePoolObject, SortedDictionary<string, bool>> _parents = new(ReferenceEqualityComparer.Instance);

    public InferencePoolCatalog(IEnumerable<InferencePoolObject> pools, IReadOnlyDictionary<string, V1Pod> pods, ServiceCatalog? services)
    {
        foreach (var pool in pools)
        {
            _pools[$"{pool.Metadata.NamespaceProperty}/{pool.Metadata.Name}"] = pool;
        }

        _pods = pods;
        _services = services;
    }

    public static string BackendName(string ns, string name) => $"inferencepool/{ns}/{name}";

    public static string ObjectName(InferencePoolObject pool) => $"InferencePool '{pool.Metadata.NamespaceProperty}/{pool.Metadata.Name}'";

    /// <summary>The pod watches <paramref name="pools"/> need: one per distinct label set, in the pool's namespace.</summary>
    public static HashSet<PodSelector> SelectorsOf(IEnumerable<InferencePoolObject> pools)
    {
        var selectors = new HashSet<PodSelector>();
        foreach (var pool in pools)
        {
            if (pool.Spec.Selector?.MatchLabels is { Count: > 0 } labels)
            {
                selectors.Add(PodSelector.For(pool.Metadata.NamespaceProperty, labels.AsReadOnly()));
            }
        }

        return selectors;
    }

    public InferencePoolObject? Find(string ns, string name) => _pools.GetValueOrDefault($"{ns}/{name}");

    /// <summary>The pools a route referred to in this rebuild, whose problems are worth reporting.</summary>
    public HashSet<InferencePoolObject> Referenced { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The backend of pool <paramref name="ns"/>/<paramref name="name"/>, which must exist (see <see cref="Find"/>).</summary>
    public BackendModel Resolve(string source, string ns, string name)
    {
        var pool = _pools[$"{ns}/{name}"];
        Referenced.Add(pool);
        var backend = new BackendModel { Name = BackendName(ns, name), Source = source };
        if (SpecProblem(pool) is { Field: var field, Message: var message })
        {
            return backend with { UnresolvedReason = $"{ObjectName(pool)} {field}: {message}" };
        }

        return backend with { Endpoints = Members(pool), EndpointPicker = Picker(source, pool) };
    }

    /// <summary>The pool's picker at its Service's ready endpoints; none when the reference does not resolve (see <see cref="PickerProblem"/>).</summary>
    private EndpointPicker Picker(string source, InferencePoolObject pool)
    {
        var ns = pool.Metadata.NamespaceProperty;
        var reference = pool.Spec.EndpointPickerRef;
        var picker = new EndpointPicker { Pool = $"{ns}/{pool.Metadata.Name}", FailOpen = reference?.FailureMode == "FailOpen" };
        if (_services is null || reference is null || PickerProblem(pool) is not null)
        {
            return picker;
        }

        var service = _services.Resolve($"{BackendName(ns, pool.Metadata.Name)}/picker", source, ns, reference.Name, new ServicePortReference(reference.Port?.Number ?? DefaultPickerPort, null));
        return picker with { Endpoints = service.Endpoints };
    }

    /// <summary>
    /// Records that an HTTPRoute attached to Gateway <paramref name="gatewayNamespace"/>/<paramref name="gatewayName"/>
    /// sends requests to the pools among <paramref name="backends"/>; <paramref name="accepted"/> says whether the Gateway
    /// accepted the route.
    /// </summary>
    public void Attach(IEnumerable<BackendModel> backends, string gatewayNamespace, string gatewayName, bool accepted)
    {
        foreach (var backend in backends)
        {
            if (backend.Name.StartsWith("inferencepool/", StringComparison.Ordinal) && _pools.TryGetValue(backend.Name["inferencepool/".Length..], out var pool))
            {
                if (!_parents.TryGetValue(pool, out var gateways))
                {
                    _parents[pool] = gateways = new SortedDictionary<string, bool>(StringComparer.Ordinal);
                }

                var key = $"{gatewayNamespace}/{gatewayName}";
                gateways[key] = gateways.GetValueOrDefault(key) || accepted;
            }
        }
    }

    /// <summary>
    /// The status of every pool a route of <paramref name="ourGateways"/> uses, and of every pool whose status still names
    /// one of them: an entry per Gateway (Accepted, ResolvedRefs); entries of other Gateways are kept as they are.
    /// </summary>
    public IEnumerable<StatusUpdate> Statuses(IReadOnlySet<string> ourGateways)
    {
        foreach (var pool in _pools.Values.OrderBy(ObjectName, StringComparer.Ordinal))
        {
            var current = pool.Status?.Parents ?? [];
            var gateways = _parents.GetValueOrDefault(pool);
            if (gateways is null && !current.Any(p => ourGateways.Contains(GatewayKey(pool, p.ParentRef))))
            {
                continue;
            }

            var parents = current.Where(p => !ourGateways.Contains(GatewayKey(pool, p.ParentRef))).ToList();
            foreach (var (gateway, accepted) in gateways ?? [])
            {
                parents.Add(new InferencePoolParentStatus
                {
                    ParentRef = new ObjectReference { Group = GatewayApiGroup.Name, Kind = "Gateway", Namespace = gateway[..gateway.IndexOf('/', StringComparison.Ordinal)], Name = gateway[(gateway.IndexOf('/', StringComparison.Ordinal) + 1)..] },
                    Conditions = Conditions(pool, accepted),
                });
            }

            yield return new StatusUpdate(pool, InferencePoolQueries.Plural, new InferencePoolStatus { Parents = parents }, pool.Status, InferencePoolQueries.Group);
        }
    }

    private List<k8s.Models.V1Condition> Conditions(InferencePoolObject pool, bool accepted)
    {
        var generation = pool.Metadata.Generation;
        var acceptance = SpecProblem(pool) is { Field: var field, Message: var message }
            ? GatewayApiConditions.Condition(GatewayApiConditions.Accepted, false, GatewayApiConditions.Invalid, $"{field}: {message}", generation)
            : accepted
                ? GatewayApiConditions.Condition(GatewayApiConditions.Accepted, true, GatewayApiConditions.Accepted, "an HTTPRoute of this Gateway sends requests to the pool", generation)
                : GatewayApiConditions.Condition(GatewayApiConditions.Accepted, false, "HTTPRouteNotAccepted", "the HTTPRoutes of this Gateway that refer to the pool are not accepted; see their status", generation);
        var resolved = PickerProblem(pool) is { Field: var pickerField, Message: var pickerMessage }
            ? GatewayApiConditions.Condition(GatewayApiConditions.ResolvedRefs, false, "InvalidExtensionRef", $"{pickerField}: {pickerMessage}", generation)
            : GatewayApiConditions.Condition(GatewayApiConditions.ResolvedRefs, true, GatewayApiConditions.ResolvedRefs, "the endpoint picker's Service resolves", generation);
        return [acceptance, resolved];
    }

    private static string GatewayKey(InferencePoolObject pool, ObjectReference parent) => $"{parent.Namespace ?? pool.Metadata.NamespaceProperty}/{parent.Name}";

    /// <summary>What is wrong with the pools routes referred to: each problem names the pool and the field.</summary>
    public List<(InferencePoolObject Pool, ModelProblem Problem)> Problems(string source)
    {
        var problems = new List<(InferencePoolObject, ModelProblem)>();
        foreach (var pool in Referenced.OrderBy(ObjectName, StringComparer.Ordinal))
        {
            if (SpecProblem(pool) is { Field: var field, Message: var message })
            {
                problems.Add((pool, new ModelProblem(source, ObjectName(pool), field, message + "; requests for the pool get 500")));
            }
            else if (PickerProblem(pool) is { Field: var pickerField, Message: var pickerMessage })
            {
                problems.Add((pool, new ModelProblem(source, ObjectName(pool), pickerField, pickerMessage)));
            }
        }

        return problems;
    }

    /// <summary>Why the pool selects no endpoints whatever the pods: a missing selector or target port; null when it can.</summary>
    public static (string Field, string Message)? SpecProblem(InferencePoolObject pool)
    {
        if (pool.Spec.Selector?.MatchLabels is not { Count: > 0 })
        {
            return ("spec.selector.matchLabels", "is required (the labels of the pool's model-server pods)");
        }

        if (pool.Spec.TargetPorts is not { Count: 1 } ports || ports[0].Number is < 1 or > 65535)
        {
            return ("spec.targetPorts", "must hold exactly one port number between 1 and 65535");
        }

        return null;
    }

    /// <summary>Why the pool's endpoint picker cannot be reached (no such Service, not a Service); null when it can.</summary>
    public (string Field, string Message)? PickerProblem(InferencePoolObject pool)
    {
        var ns = pool.Metadata.NamespaceProperty;
        if (pool.Spec.EndpointPickerRef is not { Name.Length: > 0 } picker)
        {
            return ("spec.endpointPickerRef.name", "is required (the endpoint picker's Service)");
        }

        if (!string.IsNullOrEmpty(picker.Group) || (picker.Kind ?? "Service") != "Service")
        {
            return ("spec.endpointPickerRef", $"{(string.IsNullOrEmpty(picker.Group) ? "" : picker.Group + "/")}{picker.Kind} is not supported; refer to a Service");
        }

        if (picker.FailureMode is not (null or "FailOpen" or "FailClose"))
        {
            return ("spec.endpointPickerRef.failureMode", $"'{picker.FailureMode}' is not FailOpen or FailClose");
        }

        if (_services?.Find(ns, picker.Name) is not { } service)
        {
            return ("spec.endpointPickerRef.name", $"Service '{ns}/{picker.Name}' not found");
        }

        if (service.Spec?.Type == "ExternalName")
        {
            return ("spec.endpointPickerRef.name", $"Service '{ns}/{picker.Name}' is an ExternalName Service, which cannot be an endpoint picker");
        }

        return null;
    }

    /// <summary><c>http://podIP:port</c> of the pool's ready pods, in pod-name order so that equal pools give equal models.</summary>
    private ImmutableArray<string> Members(InferencePoolObject pool)
    {
        var ns = pool.Metadata.NamespaceProperty;
        var labels = pool.Spec.Selector!.MatchLabels!;
        var port = pool.Spec.TargetPorts![0].Number;
        var members = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var pod in _pods.Values)
        {
            if (pod.Metadata.NamespaceProperty == ns && IsReady(pod) && HasLabels(pod, labels))
            {
                var ip = pod.Status.PodIP;
                var host = ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
                members[pod.Metadata.Name] = string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}");
            }
        }

        return [.. members.Values];
    }

    /// <summary>Serving: has an address, is not terminating, and its Ready condition is True.</summary>
    private static bool IsReady(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null
        && !string.IsNullOrEmpty(pod.Status?.PodIP)
        && pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static bool HasLabels(V1Pod pod, IDictionary<string, string> labels)
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
}
