using System.Collections.Immutable;

namespace Gateway.Model;

internal sealed record RouteFilters
{
    public static RouteFilters None { get; } = new();

    public UrlRewrite? UrlRewrite { get; init; }

    public HeaderModifier? RequestHeaders { get; init; }

    public HeaderModifier? ResponseHeaders { get; init; }

    public RequestRedirect? Redirect { get; init; }

    /// <summary>Backends that get a copy of the request; empty mirrors nothing.</summary>
    public ImmutableArray<RequestMirror> Mirrors { get; init; } = [];
}
