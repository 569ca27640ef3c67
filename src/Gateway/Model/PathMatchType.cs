namespace Gateway.Model;

/// <summary>How a route compares the request path, with Gateway API semantics.</summary>
internal enum PathMatchType
{
    /// <summary>Segment-aware prefix: <c>/a</c> matches <c>/a</c>, <c>/a/</c> and <c>/a/b</c>, never <c>/ab</c>.</summary>
    PathPrefix,
    Exact,
    RegularExpression,
}
