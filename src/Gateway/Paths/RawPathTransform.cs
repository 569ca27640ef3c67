using Yarp.ReverseProxy.Transforms;

namespace Gateway.Paths;

/// <summary>
/// Sends the path the gateway matched (after any rewrite) in the raw form <see cref="PathNormalizer"/> gave it, and the
/// query as the client sent it. Runs after every path transform of the route. Without any escape in either, YARP sends
/// the same and is left to it; with one, YARP would escape a kept '%' again and <see cref="Uri"/> would decode
/// <c>%2E</c> in the query.
/// </summary>
internal sealed class RawPathTransform : RequestTransform
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public static RawPathTransform Instance { get; } = new();

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var path = context.Path.Value;
        if (path is null
            || (!path.Contains('%', StringComparison.Ordinal) && context.HttpContext.Request.QueryString.Value?.Contains('%', StringComparison.Ordinal) != true))
        {
            return ValueTask.CompletedTask;
        }

        // As YARP joins them: a prefix ending in '/' loses it, the path always starts with one.
        var prefix = context.DestinationPrefix.AsSpan();
        if (prefix.EndsWith("/"))
        {
            prefix = prefix[..^1];
        }

        var target = string.Concat(prefix, PathEncoder.Encode(path), context.Query.QueryString.ToUriComponent());
        context.ProxyRequest.RequestUri = new Uri(target, in Verbatim);
        return ValueTask.CompletedTask;
    }
}
