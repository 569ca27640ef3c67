using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>
/// Serves the model a client names by several real models, by weight: the body's <c>model</c> is rewritten to the chosen
/// variant's. A caller with a sticky key keeps its variant while the weights do not change.
/// </summary>
internal sealed record ModelCanaryPolicy
{
    public ImmutableArray<ModelVariant> Variants { get; init; } = [];

    /// <summary>Request header whose value keeps a caller on one variant.</summary>
    public string? StickyHeader { get; init; }

    /// <summary>Cookie whose value keeps a caller on one variant, when <see cref="StickyHeader"/> is absent.</summary>
    public string? StickyCookie { get; init; }
}
