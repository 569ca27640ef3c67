using Gateway.Primitives;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Proxy.Transforms;

/// <summary>Builds the transforms named in <see cref="TransformNames"/> from route configuration.</summary>
internal sealed class GatewayTransformFactory : ITransformFactory
{
    public bool Validate(TransformRouteValidationContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        if (transformValues.TryGetValue(TransformNames.RegexRewrite, out var pattern))
        {
            if (transformValues.Count != 2 || !transformValues.TryGetValue(TransformNames.With, out var template))
            {
                context.Errors.Add(new ArgumentException($"{TransformNames.RegexRewrite} needs exactly one companion key '{TransformNames.With}'."));
            }
            else if (RewriteTemplate.Parse(template).HighestGroup > RouteRegex.FullMatch(pattern).GetGroupNumbers().Max())
            {
                context.Errors.Add(new ArgumentException($"{TransformNames.RegexRewrite} template '{template}' names a group that '{pattern}' does not capture."));
            }

            return true;
        }

        if (transformValues.ContainsKey(TransformNames.RequestHeaderAdd))
        {
            if (transformValues.Count != 2 || !transformValues.ContainsKey(TransformNames.Value))
            {
                context.Errors.Add(new ArgumentException($"{TransformNames.RequestHeaderAdd} needs exactly one companion key '{TransformNames.Value}'."));
            }

            return true;
        }

        if (!transformValues.TryGetValue(TransformNames.ReplacePrefixMatch, out var prefix))
        {
            return false;
        }

        if (transformValues.Count != 2 || !transformValues.TryGetValue(TransformNames.With, out var replacement))
        {
            context.Errors.Add(new ArgumentException($"{TransformNames.ReplacePrefixMatch} needs exactly one companion key '{TransformNames.With}'."));
        }
        else if (!prefix.StartsWith('/') || !replacement.StartsWith('/'))
        {
            context.Errors.Add(new ArgumentException($"{TransformNames.ReplacePrefixMatch} prefix and replacement must start with '/'."));
        }

        return true;
    }

    public bool Build(TransformBuilderContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        if (transformValues.TryGetValue(TransformNames.RegexRewrite, out var pattern))
        {
            context.RequestTransforms.Add(new RegexRewriteTransform(pattern, transformValues[TransformNames.With]));
            return true;
        }

        if (transformValues.TryGetValue(TransformNames.RequestHeaderAdd, out var header))
        {
            context.RequestTransforms.Add(new RequestHeaderAddTransform(header, transformValues[TransformNames.Value]));
            return true;
        }

        if (!transformValues.TryGetValue(TransformNames.ReplacePrefixMatch, out var prefix))
        {
            return false;
        }

        context.RequestTransforms.Add(new ReplacePrefixMatchTransform(prefix, transformValues[TransformNames.With]));
        return true;
    }
}
