using Gateway.Rollout;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Posts a rollout's steps, promotion and rollback as Events on the canary Service that declared it (<c>kubectl
/// describe service</c> shows them), with the numbers that decided. Rollouts declared elsewhere have no object to tell.
/// Only the leader tells: a follower's decisions are not kept for later, since they would be stale once it is elected.
/// </summary>
internal sealed class RolloutEvents(KubernetesEventRecorder recorder, KubernetesLeadership leadership) : IRolloutObserver
{
    private const string ServicePrefix = "service/";

    public void OnDecision(string source, RolloutStatus status, RolloutDecisionKind kind)
    {
        var (type, reason) = kind switch
        {
            RolloutDecisionKind.Stepped => ("Normal", "RolloutStepped"),
            RolloutDecisionKind.Promoted => ("Normal", "RolloutPromoted"),
            RolloutDecisionKind.RolledBack => ("Warning", "RolloutRolledBack"),
            _ => (null, null),
        };
        if (reason is null || !leadership.IsLeader || source != ServiceProcessor.Source || CanaryService(status.Canary) is not { } service)
        {
            return;
        }

        var message = $"{status.State.Message}{(status.Instruction is { } instruction ? ". " + instruction : "")}";
        recorder.Record(service, type!, reason, message);
    }

    /// <summary>The Service behind a backend named by <see cref="ServiceProcessor.BackendName"/>.</summary>
    private static V1Service? CanaryService(string backend)
    {
        if (!backend.StartsWith(ServicePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = backend[ServicePrefix.Length..].Split('/');
        return parts.Length == 2
            ? new V1Service { ApiVersion = "v1", Kind = "Service", Metadata = new V1ObjectMeta { NamespaceProperty = parts[0], Name = parts[1] } }
            : null;
    }
}
