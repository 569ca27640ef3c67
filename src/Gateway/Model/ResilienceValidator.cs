namespace Gateway.Model;

/// <summary>Checks health checks, concurrency and timeouts of backends, and retries and body limits of routes.</summary>
internal static class ResilienceValidator
{
    public static void ValidateBackend(BackendModel backend, List<ModelProblem> problems)
    {
        var obj = $"backend '{backend.Name}'";
        void Problem(string field, string message) => problems.Add(new ModelProblem(backend.Source, obj, field, message));

        if (backend.HealthCheck?.Active is { } active)
        {
            if (active.Path.Length == 0 || active.Path[0] != '/' || active.Path.Any(c => c is ' ' or '\t' or '\r' or '\n' or '#'))
            {
                Problem("HealthCheck.Active.Path", $"'{active.Path}' must be a path starting with '/', such as /healthz");
            }

            Positive(active.Interval, "HealthCheck.Active.Interval", Problem);
            Positive(active.Timeout, "HealthCheck.Active.Timeout", Problem);
            if (active.Timeout > active.Interval)
            {
                Problem("HealthCheck.Active.Timeout", $"{active.Timeout} is longer than Interval {active.Interval}; probes would overlap");
            }

            AtLeastOne(active.HealthyThreshold, "HealthCheck.Active.HealthyThreshold", Problem);
            AtLeastOne(active.UnhealthyThreshold, "HealthCheck.Active.UnhealthyThreshold", Problem);
        }

        if (backend.HealthCheck?.Passive is { } passive)
        {
            AtLeastOne(passive.ConsecutiveFailures, "HealthCheck.Passive.ConsecutiveFailures", Problem);
            Positive(passive.EjectionPeriod, "HealthCheck.Passive.EjectionPeriod", Problem);
        }

        if (backend.ConnectFailover is { } failover)
        {
            Positive(failover.EjectionPeriod, "ConnectFailover.EjectionPeriod", Problem);
        }

        if (backend.MaxConcurrentRequests is { } max)
        {
            AtLeastOne(max, "MaxConcurrentRequests", Problem);
        }

        if (backend.ConnectTimeout is { } connect)
        {
            Positive(connect, "ConnectTimeout", Problem);
        }

        if (backend.IdleTimeout is { } idle)
        {
            Positive(idle, "IdleTimeout", Problem);
        }
    }

    public static void ValidateRoute(RouteModel route, Action<string, string> problem)
    {
        if (route.Retry is { } retry)
        {
            if (retry.Attempts is < 1 or > 5)
            {
                problem("Retry.Attempts", $"is {retry.Attempts}; use 1 to 5 attempts in total (2 means one retry)");
            }

            for (var i = 0; i < retry.Statuses.Length; i++)
            {
                if (retry.Statuses[i] is < 500 or > 599)
                {
                    problem($"Retry.Statuses[{i}]", $"{retry.Statuses[i]} is not a 5xx status; only server errors are retried");
                }
            }

            if (retry.PerTryTimeout is { } perTry)
            {
                Positive(perTry, "Retry.PerTryTimeout", problem);
            }

            if (route.Filters.Redirect is not null)
            {
                problem("Retry", "cannot be used on a route with a Redirect filter: a redirected request is never forwarded");
            }
        }

        if (route.ResponseHeadersTimeout is { } headers)
        {
            Positive(headers, "ResponseHeadersTimeout", problem);
            if (route.Timeout is { } total && headers > total)
            {
                problem("ResponseHeadersTimeout", $"{headers} is longer than Timeout {total}, which bounds the whole request");
            }
        }

        if (route.MaxRequestBodySize is < 0)
        {
            problem("MaxRequestBodySize", $"is {route.MaxRequestBodySize}; give a size in bytes, 0 or more");
        }
    }

    private static void Positive(TimeSpan value, string field, Action<string, string> problem)
    {
        if (value <= TimeSpan.Zero)
        {
            problem(field, "must be greater than zero");
        }
    }

    private static void AtLeastOne(int value, string field, Action<string, string> problem)
    {
        if (value < 1)
        {
            problem(field, $"is {value}; must be 1 or more");
        }
    }
}
