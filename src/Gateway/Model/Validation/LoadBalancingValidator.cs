namespace Gateway.Model.Validation;

/// <summary>Checks a backend's load-balancing settings; every problem names the backend and the field.</summary>
internal static class LoadBalancingValidator
{
    private static readonly TimeSpan MinScrapeInterval = TimeSpan.FromMilliseconds(100);

    public static void Validate(BackendModel backend, List<ModelProblem> problems)
    {
        if (backend.LoadBalancing is not { } balancing)
        {
            return;
        }

        var obj = $"backend '{backend.Name}'";
        void Problem(string field, string message) => problems.Add(new ModelProblem(backend.Source, obj, $"LoadBalancing.{field}", message));

        if (balancing.LoadAware is not { } load)
        {
            return;
        }

        if (balancing.Mode != LoadBalancingMode.LoadAware)
        {
            Problem("Mode", $"is {balancing.Mode}, but load-aware settings are given; set Mode to LoadAware or remove them");
            return;
        }

        if (load.MetricsPath.Length == 0 || load.MetricsPath[0] != '/' || load.MetricsPath.Any(c => c is ' ' or '\t' or '\r' or '\n' or '#' or '?'))
        {
            Problem("MetricsPath", $"'{load.MetricsPath}' must be a path starting with '/', such as /metrics");
        }

        if (load.MetricsPort is { } port and (< 1 or > 65535))
        {
            Problem("MetricsPort", $"{port} is not a port number (1-65535)");
        }

        if (load.ScrapeInterval < MinScrapeInterval)
        {
            Problem("ScrapeInterval", $"{load.ScrapeInterval} is shorter than {MinScrapeInterval.TotalMilliseconds} ms");
        }

        if (load.StaleAfterIntervals < 1)
        {
            Problem("StaleAfterIntervals", $"{load.StaleAfterIntervals} must be 1 or more");
        }

        if (load.MaxQueueDepth < 1)
        {
            Problem("MaxQueueDepth", $"{load.MaxQueueDepth} must be 1 or more");
        }

        if (load.MaxKvCacheUsage is <= 0 or > 1)
        {
            Problem("MaxKvCacheUsage", $"{load.MaxKvCacheUsage} must be above 0 and at most 1 (a fraction, 0.9 for 90 %)");
        }

        if (load.MaxQueued < 0)
        {
            Problem("MaxQueued", $"{load.MaxQueued} must be 0 or more");
        }

        if (load.MaxQueueWait <= TimeSpan.Zero)
        {
            Problem("MaxQueueWait", $"{load.MaxQueueWait} must be above zero");
        }

        if (load.CriticalMaxQueueWait < load.MaxQueueWait)
        {
            Problem("CriticalMaxQueueWait", $"{load.CriticalMaxQueueWait} is shorter than MaxQueueWait {load.MaxQueueWait}; Critical requests wait at least as long as Standard ones");
        }

        if (load.CriticalityHeader.Length == 0 || !load.CriticalityHeader.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            Problem("CriticalityHeader", $"'{load.CriticalityHeader}' is not a header name");
        }
    }
}
