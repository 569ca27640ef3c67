using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Campaigns for the Lease for as long as the process runs: when leadership is lost (the API server unreachable for
/// longer than the renew deadline) this replica stops writing and becomes a candidate again.
/// </summary>
internal sealed partial class LeaderElectionService(
    IKubernetes client,
    KubernetesClientConfiguration clientConfiguration,
    LeaderElectionOptions options,
    KubernetesLeadership leadership,
    ILogger<LeaderElectionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ns = options.ResolveNamespace(clientConfiguration);
        var config = new LeaderElectionConfig(new LeaseLock(client, ns, options.LeaseName, leadership.Identity))
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        };
        while (!stoppingToken.IsCancellationRequested)
        {
            using var elector = new LeaderElector(config);
            elector.OnStartedLeading += () =>
            {
                LogElected(logger, leadership.Identity, ns, options.LeaseName);
                leadership.Set(true);
            };
            elector.OnStoppedLeading += () =>
            {
                leadership.Set(false);
                if (!stoppingToken.IsCancellationRequested)
                {
                    LogLost(logger, leadership.Identity);
                }
            };
            try
            {
                await elector.RunUntilLeadershipLostAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
                await Task.Delay(options.RetryPeriod, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Elected leader as {Identity} (Lease {Namespace}/{Lease}): this replica writes status and Events")]
    private static partial void LogElected(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost leadership as {Identity}: status and Events are left to the next leader")]
    private static partial void LogLost(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
