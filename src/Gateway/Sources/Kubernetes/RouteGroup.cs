using System.Collections.Immutable;
using Gateway.Model;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// A stable Service with its canaries: the inputs of one route, and the route and model part built from them.
/// A group whose inputs did not change keeps its output, so a change to one Service does not rebuild the others.
/// </summary>
internal sealed record RouteGroup(
    ServiceExposure Stable,
    BackendModel StableBackend,
    ImmutableArray<(ServiceExposure Exposure, BackendModel Backend)> Canaries)
{
    /// <summary>The route; null until the group is built.</summary>
    public RouteModel? Route { get; init; }

    /// <summary>The route with its backends and policy, for the store to validate; null until the group is built.</summary>
    public ModelPart? Part { get; init; }

    public ImmutableArray<BackendModel> Backends => Part?.Backends ?? [];

    public bool SameInputs(RouteGroup other) =>
        Stable == other.Stable && StableBackend == other.StableBackend && Canaries.SequenceEqual(other.Canaries);
}
