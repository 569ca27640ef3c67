using Gateway.Proxy.Routing;
using Gateway.Resilience;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Proxy.Middleware;

/// <summary>Adds <see cref="RetryStatusTransform"/> to the routes that retry.</summary>
internal sealed class RetryTransformProvider(RouteRuntimeTable runtimes) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (runtimes.TryFind(context.Route, out var runtime) && runtime.Retry is not null)
        {
            context.ResponseTransforms.Add(RetryStatusTransform.Instance);
        }
    }
}
