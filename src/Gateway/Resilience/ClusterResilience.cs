using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>The backend's settings for our YARP extension points; null when they are all the defaults.</summary>
    public static ClusterRuntime? Runtime(BackendModel backend)
    {
        var active = backend.HealthCheck?.Active;
        var runtime = new ClusterRuntime
        {
            HealthyThreshold = active?.HealthyThreshold ?? ActiveHealthCheck.DefaultHealthyThreshold,
            UnhealthyThreshold = active?.UnhealthyThreshold ?? ActiveHealthCheck.DefaultUnhealthyThreshold,
            ConsecutiveFailures = backend.HealthCheck?.Passive?.ConsecutiveFailures ?? PassiveHealthCheck.DefaultConsecutiveFailures,
            ConnectRetry = backend.ConnectFailover is { Retry: true },
            MaxConcurrentRequests = backend.MaxConcurrentRequests,
            ConnectTimeout = backend.ConnectTimeout ?? GatewayHttpClientFactory.DefaultConnectTimeout,
            LoadAware = backend.LoadBalancing is { Mode: LoadBalancingMode.LoadAware } balancing ? balancing.LoadAware ?? LoadAwareSettings.Default : null,
            EndpointPicker = backend.EndpointPicker,
        };
        return runtime == ClusterRuntime.Default ? null : runtime;
    }

    /// <summary>The cluster metadata that makes YARP rebuild the cluster when its runtime changes.</summary>
    public static Dictionary<string, string>? Metadata(ClusterRuntime? runtime)
    {
        if (runtime is null)
        {
            return null;
        }

        var settings = string.Create(
            CultureInfo.InvariantCulture,
            $"{runtime.HealthyThreshold}/{runtime.UnhealthyThreshold}/{runtime.ConsecutiveFailures}/{runtime.ConnectRetry}/{runtime.MaxConcurrentRequests}/{runtime.ConnectTimeout:c}{(runtime.LoadAware is null ? "" : "/" + runtime.LoadAware)}{(runtime.EndpointPicker is { } picker ? $"/{picker.Pool}/{picker.FailOpen}/{string.Join(',', picker.Endpoints)}" : "")}");
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ClusterMetadataKeys.Revision] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(settings)), 0, 8),
        };
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
}
