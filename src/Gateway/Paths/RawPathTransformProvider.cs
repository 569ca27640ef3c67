using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Paths;

/// <summary>Adds <see cref="RawPathTransform"/> to every route, after the route's own transforms.</summary>
internal sealed class RawPathTransformProvider : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.RequestTransforms.Add(RawPathTransform.Instance);
}
