using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Headers;

/// <summary>
/// Puts <see cref="ForwardedForTransform"/> on every route in place of YARP's own <c>X-Forwarded-For</c> transform,
/// keeping YARP's other forwarded headers (<c>-Proto</c>, <c>-Host</c>, <c>-Prefix</c>) as the route has them.
/// </summary>
internal sealed class ForwardedForTransformProvider(ForwardedForTransform transform) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        // A route without X-Forwarded transforms gets YARP's defaults after the providers run; add them here instead,
        // so the X-Forwarded-For one can be replaced like on every other route.
        if (context.UseDefaultForwarders ?? true)
        {
            context.AddXForwarded();
        }

        var transforms = context.RequestTransforms;
        for (var i = transforms.Count - 1; i >= 0; i--)
        {
            if (transforms[i] is RequestHeaderXForwardedForTransform)
            {
                transforms.RemoveAt(i);
            }
        }

        transforms.Add(transform);
    }
}
