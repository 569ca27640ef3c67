using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Registers the steps inside YARP's forwarding that read the route's runtime: the retry transform and the failure
/// logging around the forwarder. Call after AddReverseProxy so the forwarder it wraps is YARP's.
/// </summary>
internal static class ForwardingStepsRegistration
{
    public static IServiceCollection AddForwardingSteps(this IServiceCollection services)
    {
        services.AddSingleton<ITransformProvider, RetryTransformProvider>();
        var forwarder = services.LastOrDefault(d => d.ServiceType == typeof(IHttpForwarder))?.ImplementationType
            ?? throw new InvalidOperationException("AddReverseProxy must register YARP's forwarder before AddForwardingSteps wraps it.");
        services.Replace(ServiceDescriptor.Singleton<IHttpForwarder>(sp => new FailureLoggingForwarder(
            (IHttpForwarder)ActivatorUtilities.CreateInstance(sp, forwarder), sp.GetRequiredService<ILogger<FailureLoggingForwarder>>())));
        return services;
    }
}
