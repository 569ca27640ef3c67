using System.Collections.Immutable;

namespace Gateway.Model;

/// <summary>A set of interchangeable endpoints that serve one model version.</summary>
internal sealed record BackendModel
{
    public required string Name { get; init; }

    public string Source { get; init; } = "";

    /// <summary>Absolute http(s) base addresses of the ready endpoints, e.g. <c>http://10.0.0.7:8080</c>.</summary>
    public ImmutableArray<string> Endpoints { get; init; } = [];

    /// <summary>Set when the backend a route names cannot be found (e.g. a deleted Service); requests for it get 500.</summary>
    public string? UnresolvedReason { get; init; }
}
