using System.Collections.Immutable;
using System.Text.Json;
using Gateway.Model;
using Gateway.Model.Store;
using Gateway.Sources.Kubernetes.Annotations;
using k8s.Models;
using static Gateway.Sources.Kubernetes.GatewayApi.GatewayApiConditions;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>
/// Builds the model of the Gateway API objects that are ours (GatewayClasses by controllerName, their Gateways, the
/// HTTPRoutes attached to those) and the status each of them must report. Routes are emitted oldest HTTPRoute first,
/// then by namespace/name, then rule by rule: the translator's precedence ends on declaration order, which so becomes
/// the spec's tie-breakers. An HTTPRoute with a value the gateway cannot serve is left out alone, with the reason in
/// its status and in the warnings; the others are served.
/// </summary>
internal sealed class GatewayApiProcessor(string controllerName)
{
    public const string Source = "kubernetes gateway api";

    private SourceSnapshot? _last;
    private string? _lastJson;

    public GatewayApiResult Build(
        IEnumerable<GatewayClassObject> classes,
        IEnumerable<GatewayObject> gateways,
        IEnumerable<HttpRouteObject> routes,
        IEnumerable<ReferenceGrantObject> grants,
        ServiceCatalog catalog,
        InferencePoolCatalog pools,
        Func<string, IDictionary<string, string>?> namespaceLabels,
        IReadOnlyList<PublishedAddress> addresses)
    {
        var statuses = ImmutableArray.CreateBuilder<StatusUpdate>();
        var warnings = new List<ModelProblem>();
        var referenceGrants = new ReferenceGrants(grants);

        var ours = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gatewayClass in classes.Where(c => c.Spec.ControllerName == controllerName).OrderBy(c => c.Metadata.Name, StringComparer.Ordinal))
        {
            ours.Add(gatewayClass.Metadata.Name);
            var desired = new ConditionsStatus { Conditions = [Condition(Accepted, true, Accepted, $"handled by {controllerName}", gatewayClass.Metadata.Generation)] };
            statuses.Add(new StatusUpdate(gatewayClass, GatewayApiGroup.GatewayClasses, desired, gatewayClass.Status));
        }

        var bindings = ImmutableArray.CreateBuilder<TlsBinding>();
        var listeners = new Dictionary<string, List<ListenerState>>(StringComparer.Ordinal);
        var ourGateways = gateways.Where(g => ours.Contains(g.Spec.GatewayClassName)).OrderBy(Key, StringComparer.Ordinal).ToArray();
        foreach (var gateway in ourGateways)
        {
            listeners[Key(gateway)] = GatewayListeners.Read(gateway, referenceGrants, Source, bindings);
        }

        var modelRoutes = ImmutableArray.CreateBuilder<RouteModel>();
        var backends = ImmutableDictionary.CreateBuilder<string, BackendModel>(StringComparer.Ordinal);
        var policies = ImmutableDictionary.CreateBuilder<string, RateLimitPolicy>(StringComparer.Ordinal);
        foreach (var route in routes.OrderBy(r => r.Metadata.CreationTimestamp ?? DateTime.MaxValue).ThenBy(Key, StringComparer.Ordinal))
        {
            if (Route(route, listeners, referenceGrants, catalog, pools, namespaceLabels, warnings) is not { } outcome)
            {
                continue;
            }

            statuses.Add(outcome.Status);
            if (outcome.Translated is { } translated)
            {
                modelRoutes.AddRange(translated.Routes);
                foreach (var backend in translated.Backends)
                {
                    backends[backend.Name] = backend;
                }

                foreach (var policy in translated.Policies)
                {
                    policies[policy.Name] = policy;
                }
            }
        }

        warnings.AddRange(pools.Problems(Source).Select(p => p.Problem));
        statuses.AddRange(pools.Statuses(ourGateways.Select(Key).ToHashSet(StringComparer.Ordinal)));
        foreach (var gateway in ourGateways)
        {
            statuses.Add(new StatusUpdate(gateway, GatewayApiGroup.Gateways, GatewayStatusOf(gateway, listeners[Key(gateway)], addresses), gateway.Status));
        }

        var model = new GatewayModel
        {
            Routes = modelRoutes.ToImmutable(),
            Backends = backends.ToImmutable(),
            RateLimitPolicies = policies.ToImmutable(),
            TlsBindings = bindings.ToImmutable(),
        };
        return new GatewayApiResult(Snapshot(model, warnings), statuses.ToImmutable());
    }

    private static string Key(GatewayObject gateway) => $"{gateway.Metadata.NamespaceProperty}/{gateway.Metadata.Name}";

    private static string Key(HttpRouteObject route) => $"{route.Metadata.NamespaceProperty}/{route.Metadata.Name}";

    /// <summary>The previous snapshot itself when nothing changed, so a status write echoed by the watch costs no reload.</summary>
    private SourceSnapshot Snapshot(GatewayModel model, List<ModelProblem> warnings)
    {
        var json = JsonSerializer.Serialize(model, ModelJson.Options) + JsonSerializer.Serialize(warnings, ModelJson.Options);
        if (_last is not null && json == _lastJson)
        {
            return _last;
        }

        _lastJson = json;
        return _last = new SourceSnapshot(Source, model, []) { Warnings = [.. warnings] };
    }

    private (StatusUpdate Status, TranslatedRoute? Translated)? Route(
        HttpRouteObject route,
        Dictionary<string, List<ListenerState>> listeners,
        ReferenceGrants grants,
        ServiceCatalog catalog,
        InferencePoolCatalog pools,
        Func<string, IDictionary<string, string>?> namespaceLabels,
        List<ModelProblem> warnings)
    {
        var obj = HttpRouteTranslator.ObjectName(route);
        var generation = route.Metadata.Generation;
        var parents = new List<(ObjectReference Ref, V1Condition? Rejected)>();
        var attached = new List<(ListenerState Listener, IReadOnlyList<string> Hostnames)>();
        foreach (var parentRef in route.Spec.ParentRefs ?? [])
        {
            if ((parentRef.Group ?? GatewayApiGroup.Name) != GatewayApiGroup.Name || (parentRef.Kind ?? "Gateway") != "Gateway"
                || !listeners.TryGetValue($"{parentRef.Namespace ?? route.Metadata.NamespaceProperty}/{parentRef.Name}", out var gatewayListeners))
            {
                continue;
            }

            var rejected = RouteAttachment.Attach(route, parentRef, gatewayListeners, namespaceLabels, attached);
            parents.Add((parentRef, rejected));
            if (rejected is not null)
            {
                warnings.Add(new ModelProblem(Source, obj, "spec.parentRefs", $"not accepted by Gateway '{parentRef.Namespace ?? route.Metadata.NamespaceProperty}/{parentRef.Name}' ({rejected.Reason}): {rejected.Message}"));
            }
        }

        if (parents.Count == 0)
        {
            return null;
        }

        var problems = new List<ModelProblem>();
        var policies = RoutePolicyAnnotations.Read(route, Source, obj, problems, warnings);
        var translated = HttpRouteTranslator.Translate(route, Hostnames(attached), policies, catalog, grants, pools, Source);
        problems.AddRange(translated.Unsupported);
        if (policies.Rollout is not null && problems.Count == 0 && !translated.Routes.Any(r => r.Canary?.Rollout is not null))
        {
            // After a promotion the canary may be a rule's only backend: nothing to roll out, and nothing to refuse.
            warnings.Add(new ModelProblem(Source, obj, MlGatewayAnnotations.Field(MlGatewayAnnotations.Prefix + "rollout-*"), "is ignored: no rule splits traffic between two or more backendRefs, so there is no canary to roll out"));
        }

        if (problems.Count == 0 && !translated.Routes.IsEmpty)
        {
            problems.AddRange(Validate(translated));
        }

        V1Condition? unsupported = null;
        if (problems.Count > 0)
        {
            unsupported = Condition(Accepted, false, UnsupportedValue, problems[0].Field.Length == 0 ? problems[0].Message : $"{problems[0].Field}: {problems[0].Message}", generation);
            warnings.AddRange(problems.Select(p => p with { Message = p.Message + "; the HTTPRoute is left out until this is fixed" }));
        }
        else
        {
            foreach (var (listener, _) in attached)
            {
                listener.AttachedRoutes++;
            }
        }

        var resolved = translated.RefProblem is { } refProblem
            ? Condition(ResolvedRefs, false, refProblem.Reason, refProblem.Message, generation)
            : Condition(ResolvedRefs, true, ResolvedRefs, "all references resolve", generation);
        var statusParents = (route.Status?.Parents ?? []).Where(p => p.ControllerName != controllerName).ToList();
        var accepted = false;
        foreach (var (parentRef, rejected) in parents)
        {
            var acceptance = rejected ?? unsupported ?? Condition(Accepted, true, Accepted, "attached to the Gateway", generation);
            accepted |= acceptance.Status == "True";
            pools.Attach(translated.Backends, parentRef.Namespace ?? route.Metadata.NamespaceProperty, parentRef.Name, acceptance.Status == "True");
            statusParents.Add(new RouteParentStatus { ParentRef = parentRef, ControllerName = controllerName, Conditions = [acceptance, resolved] });
        }

        var status = new StatusUpdate(route, GatewayApiGroup.HttpRoutes, new HttpRouteStatus { Parents = statusParents }, route.Status);
        return (status, accepted ? translated : null);
    }

    /// <summary>The union of the hostnames the route serves on its listeners; empty (any host) when one listener takes any.</summary>
    private static ImmutableArray<string> Hostnames(List<(ListenerState Listener, IReadOnlyList<string> Hostnames)> attached)
    {
        var result = new List<string>();
        foreach (var (_, hostnames) in attached)
        {
            if (hostnames.Count == 0)
            {
                return [];
            }

            result.AddRange(hostnames.Where(h => !result.Contains(h, StringComparer.OrdinalIgnoreCase)));
        }

        return [.. result];
    }

    /// <summary>
    /// The route's rules checked on their own (auth policy and configured token budget names are checked where the
    /// policies are, in the merged model).
    /// </summary>
    private static List<ModelProblem> Validate(TranslatedRoute translated) =>
        ModelParts.Check(translated.Routes, translated.Backends, translated.Policies);

    private static GatewayStatus GatewayStatusOf(GatewayObject gateway, List<ListenerState> listeners, IReadOnlyList<PublishedAddress> addresses)
    {
        var generation = gateway.Metadata.Generation;
        var listenerStatuses = new List<ListenerStatus>();
        foreach (var state in listeners)
        {
            var accepted = state.NotAccepted ?? Condition(Accepted, true, Accepted, "served on the gateway's proxy listener", generation);
            var resolved = state.UnresolvedRefs ?? Condition(ResolvedRefs, true, ResolvedRefs, "all references resolve", generation);
            var programmed = state.IsUsable
                ? Condition(Programmed, true, Programmed, "routes are served", generation)
                : Condition(Programmed, false, Invalid, "the listener is not served; see its Accepted and ResolvedRefs conditions", generation);
            listenerStatuses.Add(new ListenerStatus
            {
                Name = state.Listener.Name,
                SupportedKinds = [.. state.SupportedKinds],
                AttachedRoutes = state.AttachedRoutes,
                Conditions = [accepted, programmed, resolved],
            });
        }

        var anyUsable = listeners.Any(l => l.IsUsable);
        return new GatewayStatus
        {
            Addresses = addresses.Count == 0
                ? null
                : [.. addresses.Select(a => new GatewayStatusAddress { Type = a.IsIp ? "IPAddress" : "Hostname", Value = a.Value })],
            Conditions =
            [
                anyUsable ? Condition(Accepted, true, Accepted, "handled by this gateway", generation) : Condition(Accepted, false, "ListenersNotValid", "no listener can be served", generation),
                anyUsable ? Condition(Programmed, true, Programmed, "served", generation) : Condition(Programmed, false, Invalid, "no listener can be served", generation),
            ],
            Listeners = listenerStatuses,
        };
    }
}
