using Yarp.ReverseProxy.Transforms;

namespace Gateway.Paths;

/// <summary>
/// Sends the path the gateway matched (after any rewrite) in the raw form <see cref="PathNormalizer"/> gave it. Runs
/// after every path transform of the route; a path without escapes is left to YARP, which sends the same.
/// </summary>
internal sealed class RawPathTransform : RequestTransform
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public static RawPathTransform Instance { get; } = new();

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var path = context.Path.Value;
        if (path is null || !path.Contains('%', StringComparison.Ordinal))
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
