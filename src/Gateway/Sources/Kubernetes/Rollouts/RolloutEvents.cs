using Gateway.Rollout;
using Gateway.Sources.Kubernetes.GatewayApi;
using Gateway.Sources.Kubernetes.Istio;
using k8s;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Rollouts;

/// <summary>
/// Posts a rollout's steps, promotion and rollback as Events on the object that declared it (<c>kubectl describe</c>
/// shows them), with the numbers that decided: the canary Service, the HTTPRoute or the VirtualService. A promotion on
/// an HTTPRoute or a VirtualService says which edit of that rule finishes it. Rollouts declared elsewhere have no object
/// to tell. Only the leader tells: a follower's decisions are not kept for later, since they would be stale once it is
/// elected.
/// </summary>
internal sealed class RolloutEvents(KubernetesEventRecorder recorder, KubernetesLeadership leadership) : IRolloutObserver
{
    private const string ServicePrefix = "service/";
    private const string HttpRoutePrefix = "httproute/";
    private const string IstioPrefix = "istio/";
    private const string Annotations = "remove the mlgateway.io/rollout-* annotations";

    public void OnDecision(string source, RolloutStatus status, RolloutDecisionKind kind)
    {
        var (type, reason) = kind switch
        {
            RolloutDecisionKind.Stepped => ("Normal", "RolloutStepped"),
            RolloutDecisionKind.Promoted => ("Normal", "RolloutPromoted"),
            RolloutDecisionKind.RolledBack => ("Warning", "RolloutRolledBack"),
            _ => (null, null),
        };
        if (reason is null || !leadership.IsLeader || Declaring(source, status) is not { } declaring)
        {
            return;
        }

        var (target, finish) = declaring;
        var instruction = kind == RolloutDecisionKind.Promoted && finish is not null ? finish : status.Instruction;
        recorder.Record(target, type!, reason, $"{status.State.Message}{(instruction is null ? "" : ". " + instruction)}");
    }

    /// <summary>The object that declared the rollout, and for a rule of an HTTPRoute or a VirtualService the edit that finishes a promotion.</summary>
    private static (IKubernetesObject<V1ObjectMeta> Object, string? Finish)? Declaring(string source, RolloutStatus status)
    {
        if (source == ServiceProcessor.Source)
        {
            // The canary backend is named by ServiceProcessor.BackendName: service/<namespace>/<name>.
            if (Parts(status.Canary, ServicePrefix, 2) is not [var ns, var name])
            {
                return null;
            }

            return (new V1Service { ApiVersion = "v1", Kind = "Service", Metadata = Metadata(ns, name) }, null);
        }

        if (source == GatewayApiProcessor.Source && Parts(status.Route, HttpRoutePrefix, 3) is [var routeNs, var route, var rule])
        {
            var finish = $"To finish, edit HTTPRoute '{routeNs}/{route}' rule {rule}: keep only the backendRef to {Shown(status.Canary, HttpRoutePrefix)} (or set the other backendRefs' weight to 0) and {Annotations}. The gateway never edits the HTTPRoute, and sends the canary all of the rule's traffic until then";
            return (new HttpRouteObject { ApiVersion = $"{GatewayApiGroup.Name}/{GatewayApiGroup.V1}", Kind = "HTTPRoute", Metadata = Metadata(routeNs, route) }, finish);
        }

        if (source == IstioProcessor.Source && Parts(status.Route, IstioPrefix, 3) is [var serviceNs, var service, var index])
        {
            var finish = $"To finish, edit VirtualService '{serviceNs}/{service}' spec.http[{index}]: keep only the destination {Shown(status.Canary, IstioPrefix)} (or set the other destinations' weight to 0) and {Annotations}. The gateway never edits the VirtualService, and sends the canary all of the route's traffic until then";
            return (new IstioObject { ApiVersion = $"{IstioQueries.Group}/v1", Kind = IstioKind.VirtualService.Kind, Metadata = Metadata(serviceNs, service) }, finish);
        }

        return null;
    }

    /// <summary>The <paramref name="count"/> slash-separated parts of <paramref name="name"/> after <paramref name="prefix"/>, or null.</summary>
    private static string[]? Parts(string name, string prefix, int count)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = name[prefix.Length..].Split('/');
        return parts.Length == count ? parts : null;
    }

    /// <summary>
    /// A canary backend as its user wrote it: <c>httproute/ns/svc:port</c> is Service 'ns/svc' port N, and
    /// <c>istio/ns/svc:port/subset</c> adds the subset; any other backend keeps its name.
    /// </summary>
    private static string Shown(string backend, string prefix)
    {
        if (!backend.StartsWith(prefix, StringComparison.Ordinal))
        {
            return $"'{backend}'";
        }

        var parts = backend[prefix.Length..].Split('/');
        var colon = parts.Length < 2 ? -1 : parts[1].LastIndexOf(':');
        if (colon < 0)
        {
            return $"'{backend}'";
        }

        var service = $"Service '{parts[0]}/{parts[1][..colon]}' port {parts[1][(colon + 1)..]}";
        return parts.Length == 3 ? $"{service} subset '{parts[2]}'" : service;
    }

    private static V1ObjectMeta Metadata(string ns, string name) => new() { NamespaceProperty = ns, Name = name };
}
