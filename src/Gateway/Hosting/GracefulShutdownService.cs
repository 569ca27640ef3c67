using Gateway.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>
/// On SIGTERM, before any service stops: readiness fails first, then the gateway keeps serving for
/// <see cref="ShutdownOptions.Delay"/>; only then does Kestrel stop accepting and drain what is in flight.
/// </summary>
internal sealed partial class GracefulShutdownService(
    ShutdownState state,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<GracefulShutdownService> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.BeginDraining();
        var delay = options.Value.Shutdown.Delay;
        LogDraining(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out; stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: /readyz now fails; serving for {Seconds} s more before draining")]
    private static partial void LogDraining(ILogger logger, double seconds);
}
