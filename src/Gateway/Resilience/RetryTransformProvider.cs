using Gateway.Proxy;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Resilience;

/// <summary>Adds <see cref="RetryStatusTransform"/> to the routes that retry.</summary>
internal sealed class RetryTransformProvider : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route.Metadata?.ContainsKey(RouteMetadataKeys.Retry) == true)
        {
            context.ResponseTransforms.Add(RetryStatusTransform.Instance);
        }
    }
}
