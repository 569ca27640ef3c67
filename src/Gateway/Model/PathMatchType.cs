namespace Gateway.Model;

/// <summary>How a route compares the request path: Gateway API's three types, and Istio's plain prefix.</summary>
internal enum PathMatchType
{
    /// <summary>Segment-aware prefix: <c>/a</c> matches <c>/a</c>, <c>/a/</c> and <c>/a/b</c>, never <c>/ab</c>.</summary>
    PathPrefix,
    Exact,

    /// <summary>The whole path matches the pattern.</summary>
    RegularExpression,

    /// <summary>
    /// Plain string prefix, as Istio's (and Envoy's) <c>prefix</c>: <c>/a</c> matches <c>/a</c>, <c>/a/b</c> and <c>/ab</c> alike.
    /// </summary>
    StringPrefix,
}
