using Gateway.Primitives;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.RateLimiting;

internal static class RateLimitingServiceCollectionExtensions
{
    /// <summary>How long a probe of a failing Redis waits for PONG.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Registers the limiter registry, stores and client IP rule; the host adds <see cref="Proxy.Middleware.RateLimitMiddleware"/> after routing.</summary>
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ClientIpResolver(sp.GetRequiredService<IOptions<RateLimitingOptions>>().Value.TrustedProxies));
        services.AddSingleton<RedisConnection>();
        services.AddSingleton(sp =>
        {
            var redis = sp.GetRequiredService<RedisConnection>();
            return new RedisCircuitBreaker(sp.GetRequiredService<TimeProvider>(), () => redis.PingAsync(ProbeTimeout), sp.GetRequiredService<ILogger<RedisCircuitBreaker>>());
        });
        services.AddSingleton<RedisRateLimitStore>();
        services.AddSingleton<RateLimitMetrics>();
        services.AddSingleton<RateLimiterRegistry>();
        return services;
    }
}
