using Microsoft.AspNetCore.Builder;

namespace Gateway.Proxy.Routing;

/// <summary>The convention that gives each YARP endpoint its route's <see cref="RouteRuntime"/>, its one piece of our metadata.</summary>
internal static class RouteEndpointConvention
{
    public static ReverseProxyConventionBuilder WithRouteRuntimes(this ReverseProxyConventionBuilder builder, RouteRuntimeTable runtimes) =>
        builder.ConfigureEndpoints((endpoint, route) =>
        {
            var runtime = runtimes.Find(route);
            endpoint.Add(endpointBuilder => endpointBuilder.Metadata.Add(runtime));
        });
}
