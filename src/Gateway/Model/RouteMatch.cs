using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>One way a request can select a route: every condition given must hold.</summary>
internal sealed record RouteMatch
{
    public PathMatch Path { get; init; } = PathMatch.Root;

    /// <summary>Upper-case HTTP method, or null for any.</summary>
    public string? Method { get; init; }

    public ImmutableArray<ValueMatch> Headers { get; init; } = [];

    public ImmutableArray<ValueMatch> QueryParameters { get; init; } = [];
}
