namespace Gateway.Model;

internal enum PathRewriteType
{
    /// <summary>Replaces the part of the path the route's prefix matched; <c>/</c> strips it.</summary>
    ReplacePrefixMatch,
    ReplaceFullPath,
}
