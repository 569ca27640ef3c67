using Gateway.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tls;

internal static class TlsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the certificate store, its registry (a model stage: bindings apply with the model), the watcher of
    /// certificate files and the HTTPS listener.
    /// </summary>
    public static IServiceCollection AddGatewayTls(this IServiceCollection services)
    {
        services.AddSingleton<CertificateStore>();
        services.AddSingleton<TlsMetrics>();
        services.AddSingleton<HttpsListener>();
        services.AddSingleton<CertificateRegistry>();
        services.AddSingleton<IModelStage>(sp => sp.GetRequiredService<CertificateRegistry>());
        services.AddHostedService<CertificateFileWatcher>();
        return services;
    }
}
