using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway.Resilience;

/// <summary>
/// Passive health of every backend by default, as nginx's <c>max_fails=1</c> for connection errors: an endpoint that
/// refuses a connection is out of rotation for the backend's ejection period, after which it gets traffic again (its
/// next refusal takes it out again). Answers, even 5xx, are the configured <see cref="ConsecutiveFailuresPolicy"/>'s
/// business. Keeps no per-endpoint state, so a request that connected costs one feature lookup.
/// </summary>
internal sealed partial class ConnectFailuresPolicy(
    IDestinationHealthUpdater healthUpdater, ResilienceMetrics metrics, ILogger<ConnectFailuresPolicy> logger) : IPassiveHealthCheckPolicy
{
    public string Name => HealthPolicyNames.ConnectFailures;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        if (!ConnectFailure.Is(context) || destination.Health.Passive == DestinationHealth.Unhealthy)
        {
            return;
        }

        var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? Model.ConnectFailover.DefaultEjectionPeriod;
        healthUpdater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
        metrics.HealthTransition(cluster.ClusterId, "passive", "unhealthy");
        LogEjected(logger, cluster.ClusterId, destination.DestinationId, period);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backend '{Backend}': endpoint '{Destination}' refused a connection; out of rotation for {Period}")]
    private static partial void LogEjected(ILogger logger, string backend, string destination, TimeSpan period);
}
