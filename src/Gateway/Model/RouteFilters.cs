using System.Collections.Immutable;

namespace Gateway.Model;

internal sealed record RouteFilters
{
    /// <summary>Client address ranges (CIDRs or addresses) the route serves; others get 403. Empty serves every client.</summary>
    public ImmutableArray<string> AllowSources { get; init; } = [];

    /// <summary>Client address ranges the route refuses with 403.</summary>
    public ImmutableArray<string> DenySources { get; init; } = [];

    public static RouteFilters None { get; } = new();

    public UrlRewrite? UrlRewrite { get; init; }

    public HeaderModifier? RequestHeaders { get; init; }

    public HeaderModifier? ResponseHeaders { get; init; }

    public RequestRedirect? Redirect { get; init; }

    /// <summary>Backends that get a copy of the request; empty mirrors nothing.</summary>
    public ImmutableArray<RequestMirror> Mirrors { get; init; } = [];

    /// <summary>Delays or aborts a share of the requests; null injects nothing.</summary>
    public FaultInjection? Fault { get; init; }

    /// <summary>Answers every request with a fixed response instead of forwarding; the route then has no backends.</summary>
    public DirectResponse? DirectResponse { get; init; }
}
