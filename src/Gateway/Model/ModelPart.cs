using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gateway.Model;

/// <summary>
/// The routes made from one object of a source (a Service with its canaries), with the backends and rate-limit policies
/// they bring; all of them are also in the snapshot's model. The store validates each part on its own and leaves an
/// invalid one out alone, so one broken object does not take the others down.
/// </summary>
/// <param name="Explain">How a validation problem of the part reads to the object's owner: the object, the field they wrote, and that it is left out.</param>
/// <param name="LeftOut">
/// Told the explained problems when the store finds the part invalid, for a source that reports them on the object
/// itself (an Event); called once per part object.
/// </param>
internal sealed record ModelPart(
    ImmutableArray<RouteModel> Routes,
    ImmutableArray<BackendModel> Backends,
    ImmutableArray<RateLimitPolicy> RateLimitPolicies,
    [property: JsonIgnore] Func<ModelProblem, ModelProblem> Explain,
    [property: JsonIgnore] Action<ImmutableArray<ModelProblem>>? LeftOut = null);
