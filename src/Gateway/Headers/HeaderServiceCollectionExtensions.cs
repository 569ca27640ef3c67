using Gateway.Model;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Headers;

internal static class HeaderServiceCollectionExtensions
{
    /// <summary>
    /// Registers the identity header names (as a model stage, so register before the auth stage) and the
    /// <c>X-Forwarded-For</c> transform; the host adds <see cref="RequestHeaderGuardMiddleware"/> before routing.
    /// </summary>
    public static IServiceCollection AddGatewayHeaders(this IServiceCollection services)
    {
        services.AddSingleton<IdentityHeaderNames>();
        services.AddSingleton<IModelStage>(sp => sp.GetRequiredService<IdentityHeaderNames>());
        services.AddSingleton<ForwardedForTransform>();
        services.AddSingleton<ITransformProvider, ForwardedForTransformProvider>();
        return services;
    }
}
