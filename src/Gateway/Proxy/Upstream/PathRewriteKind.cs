namespace Gateway.Proxy.Upstream;

/// <summary>Which of the route's path transforms the lean path applies.</summary>
internal enum PathRewriteKind
{
    None,

    /// <summary><c>Gateway.ReplacePrefixMatch</c>: the matched prefix is replaced, and reported in <c>X-Forwarded-Prefix</c>.</summary>
    ReplacePrefix,

    /// <summary><c>PathSet</c>: the whole path is replaced.</summary>
    Set,

    /// <summary><c>Gateway.RegexRewrite</c>: the path becomes a template of the groups the route's expression captured.</summary>
    Regex,
}
