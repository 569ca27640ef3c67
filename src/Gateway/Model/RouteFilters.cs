namespace Gateway.Model;

internal sealed record RouteFilters
{
    public static RouteFilters None { get; } = new();

    public UrlRewrite? UrlRewrite { get; init; }

    public HeaderModifier? RequestHeaders { get; init; }

    public HeaderModifier? ResponseHeaders { get; init; }

    public RequestRedirect? Redirect { get; init; }
}
