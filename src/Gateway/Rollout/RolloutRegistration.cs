using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Rollout;

/// <summary>Registers the rollout slots the hot path reads.</summary>
internal static class RolloutRegistration
{
    public static IServiceCollection AddGatewayRollouts(this IServiceCollection services)
    {
        services.AddSingleton<RolloutRegistry>();
        return services;
    }
}
