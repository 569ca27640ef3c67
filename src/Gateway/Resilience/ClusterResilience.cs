using System.Globalization;
using Gateway.Model;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Gateway.Resilience;

/// <summary>The parts of a YARP cluster that carry a backend's health checks, concurrency limit and connect timeout.</summary>
internal static class ClusterResilience
{
    /// <summary>The passive check every backend gets unless it configures its own or turns connect failover off; shared, as most backends use it.</summary>
    private static readonly HealthCheckConfig DefaultConnectFailover = ConnectFailoverCheck(ConnectFailover.DefaultEjectionPeriod);

    public static HealthCheckConfig? HealthCheck(BackendModel backend)
    {
        var active = backend.HealthCheck?.Active;
        var passive = backend.HealthCheck?.Passive;
        if (active is null && passive is null)
        {
            return backend.ConnectFailover is { } failover
                ? failover.EjectionPeriod == ConnectFailover.DefaultEjectionPeriod ? DefaultConnectFailover : ConnectFailoverCheck(failover.EjectionPeriod)
                : null;
        }

        string? path = null;
        string? query = null;
        if (active is not null)
        {
            var separator = active.Path.IndexOf('?', StringComparison.Ordinal);
            path = separator < 0 ? active.Path : active.Path[..separator];
            query = separator < 0 ? null : active.Path[separator..];
        }

        return new HealthCheckConfig
        {
            // An endpoint out of rotation stays out even when all are: the client gets 503 at once instead of a slow failure.
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyAndUnknown,
            Active = active is null ? null : new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = active.Interval,
                Timeout = active.Timeout,
                Policy = HealthPolicyNames.Thresholds,
                Path = path,
                Query = query,
            },
            Passive = PassiveCheck(passive, backend.ConnectFailover),
        };
    }

    public static Dictionary<string, string>? Metadata(BackendModel backend)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (backend.HealthCheck?.Active is { } active)
        {
            metadata[ClusterMetadataKeys.HealthyThreshold] = active.HealthyThreshold.ToString(CultureInfo.InvariantCulture);
            metadata[ClusterMetadataKeys.UnhealthyThreshold] = active.UnhealthyThreshold.ToString(CultureInfo.InvariantCulture);
        }

        if (backend.HealthCheck?.Passive is { } passive)
        {
            metadata[ClusterMetadataKeys.ConsecutiveFailures] = passive.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture);
        }

        if (backend.ConnectFailover is not { Retry: true })
        {
            metadata[ClusterMetadataKeys.ConnectRetry] = "false";
        }

        if (backend.MaxConcurrentRequests is { } max)
        {
            metadata[ClusterMetadataKeys.MaxConcurrentRequests] = max.ToString(CultureInfo.InvariantCulture);
        }

        if (backend.ConnectTimeout is { } connect)
        {
            metadata[ClusterMetadataKeys.ConnectTimeout] = connect.ToString("c", CultureInfo.InvariantCulture);
        }

        return metadata.Count == 0 ? null : metadata;
    }

    /// <summary>The configured outlier ejection (which counts refused connections too), else ejection on refused connections alone.</summary>
    private static PassiveHealthCheckConfig? PassiveCheck(PassiveHealthCheck? passive, ConnectFailover? failover) => passive is not null
        ? new PassiveHealthCheckConfig { Enabled = true, Policy = HealthPolicyNames.ConsecutiveFailures, ReactivationPeriod = passive.EjectionPeriod }
        : failover is null ? null : new PassiveHealthCheckConfig { Enabled = true, Policy = HealthPolicyNames.ConnectFailures, ReactivationPeriod = failover.EjectionPeriod };

    private static HealthCheckConfig ConnectFailoverCheck(TimeSpan ejectionPeriod) => new()
    {
        // Ejection by refused connections alone must never leave a backend with nothing: when every endpoint is out, all
        // are tried again, as nginx does when every server of an upstream is marked failed.
        AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
        Passive = PassiveCheck(null, new ConnectFailover { EjectionPeriod = ejectionPeriod }),
    };

    public static int? ReadInt(IReadOnlyDictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
