using Gateway.Proxy.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Resilience;

/// <summary>
/// Registers the health policies, client factory, retry transform, metrics and failure logging; call after AddReverseProxy
/// so the client factory replaces YARP's and the forwarder is wrapped.
/// </summary>
internal static class ResilienceRegistration
{
    public static IServiceCollection AddGatewayResilience(this IServiceCollection services)
    {
        services.AddSingleton<ResilienceMetrics>();
        services.AddSingleton<IActiveHealthCheckPolicy, ThresholdsHealthPolicy>();
        services.AddSingleton<IPassiveHealthCheckPolicy, ConsecutiveFailuresPolicy>();
        services.AddSingleton<IPassiveHealthCheckPolicy, ConnectFailuresPolicy>();
        services.AddSingleton<ITransformProvider, RetryTransformProvider>();
        services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, GatewayHttpClientFactory>());

        var forwarder = services.LastOrDefault(d => d.ServiceType == typeof(IHttpForwarder))?.ImplementationType
            ?? throw new InvalidOperationException("AddReverseProxy must register YARP's forwarder before AddGatewayResilience wraps it.");
        services.Replace(ServiceDescriptor.Singleton<IHttpForwarder>(sp => new FailureLoggingForwarder(
            (IHttpForwarder)ActivatorUtilities.CreateInstance(sp, forwarder), sp.GetRequiredService<ILogger<FailureLoggingForwarder>>())));
        services.Configure<LoggerFilterOptions>(ForwarderLogFilter.Apply);
        return services;
    }
}
