using System.Text.RegularExpressions;
using Gateway.Primitives;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Proxy.Transforms;

/// <summary>
/// Replaces the whole path with a template filled with the groups the route's regular expression captured, as nginx's
/// <c>rewrite</c> does for ingress-nginx <c>rewrite-target</c>; the query string is kept.
/// </summary>
internal sealed class RegexRewriteTransform(string pattern, string template) : RequestTransform
{
    private readonly Regex _regex = RouteRegex.FullMatch(pattern);

    private readonly RewriteTemplate _template = RewriteTemplate.Parse(template);

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var match = _regex.Match(context.Path.Value ?? "/");
        if (match.Success)
        {
            var path = _template.Expand(match);
            context.Path = path.StartsWith('/') ? path : "/" + path;
        }

        return ValueTask.CompletedTask;
    }
}
