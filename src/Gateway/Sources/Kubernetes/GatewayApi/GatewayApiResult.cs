using System.Collections.Immutable;
using Gateway.Model;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>One rebuild of the Gateway API source: the snapshot to publish and the statuses to write back.</summary>
internal sealed record GatewayApiResult(SourceSnapshot Snapshot, ImmutableArray<StatusUpdate> Statuses);
