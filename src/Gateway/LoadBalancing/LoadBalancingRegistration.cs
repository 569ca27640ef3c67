using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.LoadBalancing;

namespace Gateway.LoadBalancing;

/// <summary>Registers the gateway's load-balancing policies and the load-aware mode's scraper, queues, metrics and admin report.</summary>
internal static class LoadBalancingRegistration
{
    public static IServiceCollection AddGatewayLoadBalancing(this IServiceCollection services)
    {
        services.AddSingleton<ILoadBalancingPolicy, ConsistentHashPolicy>();
        services.AddSingleton<ILoadBalancingPolicy, LoadAwarePolicy>();
        services.AddSingleton<EndpointLoadTable>();
        services.AddSingleton<AdmissionQueueTable>();
        services.AddSingleton<LoadBalancingMetrics>();
        services.AddSingleton<LoadReporter>();
        services.AddHostedService<LoadScraper>();
        return services;
    }
}
