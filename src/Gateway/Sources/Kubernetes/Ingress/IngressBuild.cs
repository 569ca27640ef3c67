using System.Collections.Immutable;
using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes.Ingress;

/// <summary>One rebuild of the Ingress source: the snapshot, the problems to report as Events, and the Ingresses that are ours (for status).</summary>
internal sealed record IngressBuild(SourceSnapshot Snapshot, ImmutableArray<IngressReport> Reports, ImmutableArray<V1Ingress> Ours);
