using Gateway.Hosting;
using Gateway.Primitives;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.RateLimiting;

internal static class RateLimitingServiceCollectionExtensions
{
    /// <summary>Registers the limiter registry, stores and client IP rule; the host adds <see cref="RateLimitMiddleware"/> after routing.</summary>
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ClientIpResolver(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.RateLimiting.TrustedProxies));
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<RedisRateLimitStore>();
        services.AddSingleton<RateLimitMetrics>();
        services.AddSingleton<RateLimiterRegistry>();
        return services;
    }
}
