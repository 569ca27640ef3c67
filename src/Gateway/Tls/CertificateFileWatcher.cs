using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Tls;

/// <summary>
/// Checks the certificate files of <c>Gateway:Tls</c> every <see cref="TlsOptions.FileCheckInterval"/> and swaps in
/// renewed ones without a restart. Polling, like the config file's, also sees a mounted Secret's symlink swap.
/// </summary>
internal sealed partial class CertificateFileWatcher(
    CertificateRegistry registry,
    IOptions<TlsOptions> options,
    TimeProvider timeProvider,
    ILogger<CertificateFileWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!registry.HasFiles)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.FileCheckInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                registry.RefreshFiles();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the certificate files failed; the certificates in force keep serving")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
