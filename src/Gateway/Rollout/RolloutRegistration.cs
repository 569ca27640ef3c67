using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Rollout;

/// <summary>Registers the rollout slots the hot path reads and the service that runs the rollouts of this process.</summary>
internal static class RolloutRegistration
{
    public static IServiceCollection AddGatewayRollouts(this IServiceCollection services, RolloutOptions options)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<RolloutRegistry>();
        services.AddSingleton<RolloutMetrics>();
        services.AddSingleton<RolloutService>();
        services.AddHostedService(sp => sp.GetRequiredService<RolloutService>());
        return services;
    }
}
