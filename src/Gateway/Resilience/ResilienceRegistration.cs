using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Resilience;

/// <summary>Registers the health policies, client factory, retry transform and metrics; call after AddReverseProxy so the client factory replaces YARP's.</summary>
internal static class ResilienceRegistration
{
    public static IServiceCollection AddGatewayResilience(this IServiceCollection services)
    {
        services.AddSingleton<ResilienceMetrics>();
        services.AddSingleton<IActiveHealthCheckPolicy, ThresholdsHealthPolicy>();
        services.AddSingleton<IPassiveHealthCheckPolicy, ConsecutiveFailuresPolicy>();
        services.AddSingleton<ITransformProvider, RetryTransformProvider>();
        services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, GatewayHttpClientFactory>());
        return services;
    }
}
