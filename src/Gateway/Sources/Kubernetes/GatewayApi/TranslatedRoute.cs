using System.Collections.Immutable;
using Gateway.Model;

namespace Gateway.Sources.Kubernetes.GatewayApi;

/// <summary>What one HTTPRoute becomes: a route per rule, their backends and limit policies, and what its status must report.</summary>
/// <param name="Unsupported">Values the gateway cannot serve; any of them leaves the whole HTTPRoute out (Accepted=False, UnsupportedValue).</param>
/// <param name="RefProblem">The first backendRef that does not resolve (ResolvedRefs=False); its share of requests gets 500.</param>
internal sealed record TranslatedRoute(
    ImmutableArray<RouteModel> Routes,
    ImmutableArray<BackendModel> Backends,
    ImmutableArray<RateLimitPolicy> Policies,
    ImmutableArray<ModelProblem> Unsupported,
    RefProblem? RefProblem);
