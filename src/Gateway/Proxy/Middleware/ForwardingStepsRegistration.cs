using Gateway.Proxy.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Registers the steps inside YARP's forwarding that read the route's runtime: the retry transform, the lean upstream
/// path when it is on (it hands what it does not take to YARP's forwarder), and the failure logging around both. Call
/// after AddReverseProxy so the forwarder it wraps is YARP's.
/// </summary>
internal static class ForwardingStepsRegistration
{
    public static IServiceCollection AddForwardingSteps(this IServiceCollection services, bool leanUpstream = false)
    {
        services.AddSingleton<ITransformProvider, RetryTransformProvider>();
        var forwarder = services.LastOrDefault(d => d.ServiceType == typeof(IHttpForwarder))?.ImplementationType
            ?? throw new InvalidOperationException("AddReverseProxy must register YARP's forwarder before AddForwardingSteps wraps it.");
        if (leanUpstream)
        {
            services.AddSingleton<UpstreamPools>();
        }

        services.Replace(ServiceDescriptor.Singleton<IHttpForwarder>(sp =>
        {
            var yarp = (IHttpForwarder)ActivatorUtilities.CreateInstance(sp, forwarder);
            var first = leanUpstream ? ActivatorUtilities.CreateInstance<LeanForwarder>(sp, yarp) : yarp;
            return new FailureLoggingForwarder(first, sp.GetRequiredService<ILogger<FailureLoggingForwarder>>());
        }));
        return services;
    }
}
