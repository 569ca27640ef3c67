using Gateway.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tls;

internal static class TlsServiceCollectionExtensions
{
    /// <summary>Registers the certificate store, its registry (a model stage: bindings apply with the model) and the HTTPS listener.</summary>
    public static IServiceCollection AddGatewayTls(this IServiceCollection services)
    {
        services.AddSingleton<CertificateStore>();
        services.AddSingleton<TlsMetrics>();
        services.AddSingleton<HttpsListener>();
        services.AddSingleton<CertificateRegistry>();
        services.AddSingleton<IModelStage>(sp => sp.GetRequiredService<CertificateRegistry>());
        return services;
    }
}
