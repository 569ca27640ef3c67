using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>What one source currently declares, with the problems found while reading it. A snapshot with problems is never applied.</summary>
internal sealed record SourceSnapshot(string Source, GatewayModel Model, ImmutableArray<ModelProblem> Problems)
{
    public bool IsValid => Problems.IsEmpty;

    /// <summary>Problems with single objects that were left out (or served degraded) while the rest of the snapshot applies.</summary>
    public ImmutableArray<ModelProblem> Warnings { get; init; } = [];

    /// <summary>
    /// Parts of <see cref="Model"/> made from single objects, which the store validates one by one, leaving the invalid
    /// ones out with their problems as warnings. The rest of the model is validated as a whole.
    /// </summary>
    public ImmutableArray<ModelPart> Parts { get; init; } = [];
}
