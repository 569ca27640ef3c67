using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>A change that was refused, kept so operators can see why the gateway still serves the previous configuration.</summary>
internal sealed record RejectedChange(string Source, DateTimeOffset At, ImmutableArray<ModelProblem> Problems);
