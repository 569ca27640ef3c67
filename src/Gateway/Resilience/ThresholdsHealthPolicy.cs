using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway.Resilience;

/// <summary>
/// Active health with both thresholds of Kubernetes probes and Envoy: an endpoint goes out after UnhealthyThreshold failed
/// probes in a row and back in after HealthyThreshold good ones. YARP's ConsecutiveFailures policy has no healthy threshold,
/// so one lucky probe would put a flapping model server back in rotation. An endpoint never probed yet is taken healthy on
/// its first good probe.
/// </summary>
internal sealed partial class ThresholdsHealthPolicy(
    IDestinationHealthUpdater healthUpdater, ClusterRuntimeTable clusters, ResilienceMetrics metrics, ILogger<ThresholdsHealthPolicy> logger) : IActiveHealthCheckPolicy
{
    private readonly ConditionalWeakTable<DestinationState, ProbeRun> _runs = new();

    public string Name => HealthPolicyNames.Thresholds;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        if (probingResults.Count == 0)
        {
            return;
        }

        var runtime = clusters.Find(cluster.ClusterId);
        var healthyThreshold = runtime.HealthyThreshold;
        var unhealthyThreshold = runtime.UnhealthyThreshold;
        var updates = new NewActiveDestinationHealth[probingResults.Count];
        for (var i = 0; i < probingResults.Count; i++)
        {
            var result = probingResults[i];
            var destination = result.Destination;
            var run = _runs.GetValue(destination, static _ => new ProbeRun());
            var current = destination.Health.Active;
            var next = run.Record(IsGood(result), current, healthyThreshold, unhealthyThreshold);
            updates[i] = new NewActiveDestinationHealth(destination, next);
            // A new endpoint's first good probe is no news; going out, and coming back, are.
            if (next != current && next != DestinationHealth.Unknown && !(current == DestinationHealth.Unknown && next == DestinationHealth.Healthy))
            {
                var state = next == DestinationHealth.Healthy ? "healthy" : "unhealthy";
                metrics.HealthTransition(cluster.ClusterId, "active", state);
                LogChanged(logger, destination.DestinationId, state, result.Exception?.Message ?? $"status {(int?)result.Response?.StatusCode}");
            }
        }

        healthUpdater.SetActive(cluster, updates);
    }

    private static bool IsGood(DestinationProbingResult result) =>
        result.Exception is null && result.Response is { } response && (int)response.StatusCode is >= 200 and < 400;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint '{Destination}' is now {State} by active probes (last probe: {Probe})")]
    private static partial void LogChanged(ILogger logger, string destination, string state, string probe);

    /// <summary>The current streak of one endpoint. Probes of a cluster complete one batch at a time, so no locking is needed.</summary>
    private sealed class ProbeRun
    {
        private int _successes;
        private int _failures;

        public DestinationHealth Record(bool good, DestinationHealth current, int healthyThreshold, int unhealthyThreshold)
        {
            if (good)
            {
                _failures = 0;
                _successes++;
                return current == DestinationHealth.Unknown || _successes >= healthyThreshold ? DestinationHealth.Healthy : current;
            }

            _successes = 0;
            _failures++;
            return _failures >= unhealthyThreshold ? DestinationHealth.Unhealthy : current;
        }
    }
}
