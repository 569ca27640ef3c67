using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>What the gateway serves now and the last change it refused; shown at the admin <c>/config</c> endpoint.</summary>
internal sealed record ModelStatus(
    long Generation,
    DateTimeOffset? AppliedAt,
    GatewayModel Model,
    ImmutableArray<string> Sources,
    RejectedChange? LastRejected)
{
    public static ModelStatus Initial { get; } = new(0, null, GatewayModel.Empty, [], null);

    /// <summary>Objects left out of the served model (bad annotations, conflicting routes), from every source.</summary>
    public ImmutableArray<ModelProblem> Warnings { get; init; } = [];
}
