using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace Gateway.Resilience;

/// <summary>
/// Registers the health policies, client factory, metrics and the forwarder's log filter; call after AddReverseProxy so the
/// client factory replaces YARP's. The retry transform and failure logging read the route's runtime, so
/// <see cref="Proxy.Middleware.ForwardingStepsRegistration"/> registers them.
/// </summary>
internal static class ResilienceRegistration
{
    public static IServiceCollection AddGatewayResilience(this IServiceCollection services)
    {
        services.AddSingleton<ResilienceMetrics>();
        services.AddSingleton<ClusterRuntimeTable>();
        services.AddSingleton<IActiveHealthCheckPolicy, ThresholdsHealthPolicy>();
        services.AddSingleton<IPassiveHealthCheckPolicy, ConsecutiveFailuresPolicy>();
        services.AddSingleton<IPassiveHealthCheckPolicy, ConnectFailuresPolicy>();
        services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, GatewayHttpClientFactory>());
        services.Configure<LoggerFilterOptions>(ForwarderLogFilter.Apply);
        return services;
    }
}
