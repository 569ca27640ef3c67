using Gateway.Proxy.Routing;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Proxy.Transforms;

/// <summary>Replaces the prefix the route matched and tells the backend what was removed in <c>X-Forwarded-Prefix</c>.</summary>
internal sealed class ReplacePrefixMatchTransform(string prefix, string replacement) : RequestTransform
{
    private const string ForwardedPrefixHeader = "X-Forwarded-Prefix";

    private readonly string _forwardedPrefix = prefix.TrimEnd('/');

    public string Prefix { get; } = prefix;

    public string Replacement { get; } = replacement;

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        context.Path = PrefixRewriter.Replace(context.Path.Value ?? "/", Prefix, Replacement);
        if (_forwardedPrefix.Length == 0)
        {
            RemoveHeader(context, ForwardedPrefixHeader);
        }
        else
        {
            AddHeader(context, ForwardedPrefixHeader, new StringValues(_forwardedPrefix));
        }

        return ValueTask.CompletedTask;
    }
}
