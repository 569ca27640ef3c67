using System.Globalization;
using Gateway.Model;
using static Gateway.Sources.Kubernetes.Annotations.MlGatewayAnnotations;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Reads a Service's load-balancing annotations: <c>mlgateway.io/load-balancing</c> and, for <c>load-aware</c>, where
/// the model servers' metrics are and when they count as saturated. A bad value is a problem naming the annotation.
/// </summary>
internal static class ServiceLoadBalancingAnnotations
{
    private const string Mode = Annotations.MlGatewayAnnotations.LoadBalancing;

    private static readonly string[] LoadAwareAnnotations =
        [MetricsPath, MetricsPort, ScrapeInterval, MaxQueueDepth, MaxKvCacheUsage, GatewayQueueSize, GatewayQueueWait, CriticalQueueWait];

    public static LoadBalancingPolicy? Read(Func<string, string?> get, Action<string, string> problem)
    {
        var modeText = get(Mode);
        LoadBalancingMode? mode = modeText switch
        {
            null => null,
            "least-requests" => LoadBalancingMode.LeastRequests,
            "round-robin" => LoadBalancingMode.RoundRobin,
            "random" => LoadBalancingMode.Random,
            "load-aware" => LoadBalancingMode.LoadAware,
            _ => Invalid(),
        };

        LoadBalancingMode? Invalid()
        {
            problem(Mode, $"'{modeText}' must be one of: least-requests, round-robin, random, load-aware");
            return null;
        }

        if (mode != LoadBalancingMode.LoadAware)
        {
            foreach (var annotation in LoadAwareAnnotations)
            {
                // An invalid mode is reported once, not once more for every setting beside it.
                if (get(annotation) is not null && (modeText is null || mode is not null))
                {
                    problem(annotation, $"needs {Mode}: load-aware");
                }
            }

            return mode is { } other ? new LoadBalancingPolicy { Mode = other } : null;
        }

        var defaults = LoadAwareSettings.Default;
        var path = get(MetricsPath);
        if (path is not null && !path.StartsWith('/'))
        {
            problem(MetricsPath, $"'{path}' must start with '/', e.g. /metrics");
        }

        var kvCache = defaults.MaxKvCacheUsage;
        if (get(MaxKvCacheUsage) is { } kvText
            && (!double.TryParse(kvText, NumberStyles.Float, CultureInfo.InvariantCulture, out kvCache) || kvCache is <= 0 or > 1))
        {
            problem(MaxKvCacheUsage, $"'{kvText}' must be a fraction above 0 and at most 1, e.g. 0.9");
            kvCache = defaults.MaxKvCacheUsage;
        }

        var wait = Duration(get, GatewayQueueWait, problem) ?? defaults.MaxQueueWait;
        var criticalWait = Duration(get, CriticalQueueWait, problem) ?? (wait > defaults.CriticalMaxQueueWait ? wait : defaults.CriticalMaxQueueWait);
        if (criticalWait < wait)
        {
            problem(CriticalQueueWait, $"is shorter than {GatewayQueueWait}; Critical requests wait at least as long as Standard ones");
        }

        return new LoadBalancingPolicy
        {
            Mode = LoadBalancingMode.LoadAware,
            LoadAware = new LoadAwareSettings
            {
                MetricsPath = path ?? defaults.MetricsPath,
                MetricsPort = Number(get, MetricsPort, 1, 65535, problem),
                ScrapeInterval = Duration(get, ScrapeInterval, problem) ?? defaults.ScrapeInterval,
                MaxQueueDepth = Number(get, MaxQueueDepth, 1, int.MaxValue, problem) ?? defaults.MaxQueueDepth,
                MaxKvCacheUsage = kvCache,
                MaxQueued = Number(get, GatewayQueueSize, 0, int.MaxValue, problem) ?? defaults.MaxQueued,
                MaxQueueWait = wait,
                CriticalMaxQueueWait = criticalWait,
            },
        };
    }

    private static int? Number(Func<string, string?> get, string annotation, int min, int max, Action<string, string> problem)
    {
        if (get(annotation) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problem(annotation, $"'{text}' must be a whole number from {min} to {max}");
        return null;
    }

    private static TimeSpan? Duration(Func<string, string?> get, string annotation, Action<string, string> problem)
    {
        if (get(annotation) is not { } text)
        {
            return null;
        }

        if (DurationParser.TryParse(text, out var value) && value >= TimeSpan.FromMilliseconds(100))
        {
            return value;
        }

        problem(annotation, $"'{text}' is not a duration of 100ms or more, such as 500ms, 1s or 30s");
        return null;
    }
}
