namespace Gateway.Model;

internal enum PathRewriteType
{
    /// <summary>Replaces the part of the path the route's prefix matched; <c>/</c> strips it.</summary>
    ReplacePrefixMatch,
    ReplaceFullPath,

    /// <summary>
    /// Replaces the whole path with the value, in which <c>$1</c>..<c>$9</c> are the groups captured by the route's
    /// RegularExpression path match, as nginx's <c>rewrite</c> (ingress-nginx <c>rewrite-target</c>).
    /// </summary>
    RegexSubstitution,
}
