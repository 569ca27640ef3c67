using System.Collections.Immutable;
using Gateway.Model;
using k8s.Models;

namespace Gateway.Sources.Kubernetes;

/// <summary>What one Service object's annotations and ports say, kept until the object changes.</summary>
/// <param name="Exposure">Null when the Service is left out; <paramref name="Warnings"/> then says why.</param>
/// <param name="Port">The Service port to proxy to.</param>
internal sealed record ParsedService(ServiceExposure? Exposure, V1ServicePort? Port, ImmutableArray<ModelProblem> Warnings);
