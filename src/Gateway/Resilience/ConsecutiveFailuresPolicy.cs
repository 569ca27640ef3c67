using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway.Resilience;

/// <summary>
/// Passive health as Envoy's outlier detection: N connection failures or 5xx answers in a row eject an endpoint for the
/// backend's ejection period. YARP's own passive policy judges a failure rate over a window, which lets a dead endpoint
/// take traffic for the whole window on a quiet backend.
/// </summary>
internal sealed partial class ConsecutiveFailuresPolicy(
    IDestinationHealthUpdater healthUpdater, ClusterRuntimeTable clusters, ResilienceMetrics metrics, ILogger<ConsecutiveFailuresPolicy> logger) : IPassiveHealthCheckPolicy
{
    private readonly ConditionalWeakTable<DestinationState, FailureCount> _counts = new();

    public string Name => HealthPolicyNames.ConsecutiveFailures;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        var count = _counts.GetValue(destination, static _ => new FailureCount());
        if (!IsFailure(context))
        {
            Volatile.Write(ref count.Value, 0);
            return;
        }

        var threshold = clusters.Find(cluster.ClusterId).ConsecutiveFailures;
        if (Interlocked.Increment(ref count.Value) != threshold)
        {
            return;
        }

        Volatile.Write(ref count.Value, 0);
        var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? Model.PassiveHealthCheck.DefaultEjectionPeriod;
        healthUpdater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
        metrics.HealthTransition(cluster.ClusterId, "passive", "unhealthy");
        LogEjected(logger, destination.DestinationId, threshold, period);
    }

    private static bool IsFailure(HttpContext context)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            // The client hanging up or sending a bad body says nothing about the endpoint.
            return error.Error is not (ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
                or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
                or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled
                or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient);
        }

        return context.Response.StatusCode >= StatusCodes.Status500InternalServerError;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint '{Destination}' ejected for {Period} after {Failures} failures in a row")]
    private static partial void LogEjected(ILogger logger, string destination, int failures, TimeSpan period);

    private sealed class FailureCount
    {
        public int Value;
    }
}
