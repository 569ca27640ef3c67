using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>Header edits in Gateway API order: set replaces, add appends, remove deletes.</summary>
internal sealed record HeaderModifier
{
    /// <summary>Values may be credentials for the backend (an <c>Authorization</c> a route adds), so they are secret.</summary>
    [Secret]
    public ImmutableArray<KeyValuePair<string, string>> Set { get; init; } = [];

    [Secret]
    public ImmutableArray<KeyValuePair<string, string>> Add { get; init; } = [];

    public ImmutableArray<string> Remove { get; init; } = [];

    public bool IsEmpty => Set.IsEmpty && Add.IsEmpty && Remove.IsEmpty;
}
