using System.Collections.Immutable;
using Gateway.Model;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// A stable Service with its canaries: the inputs of one route, and the route, backends and warnings built from them.
/// A group whose inputs did not change keeps its output, so a change to one Service does not rebuild the others.
/// </summary>
internal sealed record RouteGroup(
    ServiceExposure Stable,
    BackendModel StableBackend,
    ImmutableArray<(ServiceExposure Exposure, BackendModel Backend)> Canaries)
{
    public RouteModel? Route { get; init; }

    public ImmutableArray<BackendModel> Backends { get; init; } = [];

    public ImmutableArray<ModelProblem> Warnings { get; init; } = [];

    public bool SameInputs(RouteGroup other) =>
        Stable == other.Stable && StableBackend == other.StableBackend && Canaries.SequenceEqual(other.Canaries);
}
