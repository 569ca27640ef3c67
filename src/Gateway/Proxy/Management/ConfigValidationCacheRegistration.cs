using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Proxy.Management;

/// <summary>Wraps YARP's config validator in <see cref="CachingConfigValidator"/>; call after AddReverseProxy.</summary>
internal static class ConfigValidationCacheRegistration
{
    public static IServiceCollection AddConfigValidationCache(this IServiceCollection services)
    {
        var yarp = services.LastOrDefault(d => d.ServiceType == typeof(IConfigValidator))?.ImplementationType
            ?? throw new InvalidOperationException("AddReverseProxy must register YARP's IConfigValidator before the validation cache wraps it.");
        services.AddSingleton<IConfigValidator>(sp => new CachingConfigValidator((IConfigValidator)ActivatorUtilities.CreateInstance(sp, yarp)));
        return services;
    }
}
