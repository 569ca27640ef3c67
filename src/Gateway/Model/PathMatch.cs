namespace Gateway.Model;

/// <summary>A case-sensitive match on the request path.</summary>
internal sealed record PathMatch(PathMatchType Type, string Value)
{
    public static PathMatch Root { get; } = new(PathMatchType.PathPrefix, "/");
}
