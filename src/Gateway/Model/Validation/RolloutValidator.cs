namespace Gateway.Model.Validation;

/// <summary>Checks a route's rollout: it needs a canary to step, ascending steps within 1-100, and sensible bounds.</summary>
internal sealed class RolloutValidator : IRouteValidator
{
    private const string Field = "Canary.Rollout";

    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        if (route.Canary?.Rollout is not { } rollout)
        {
            return;
        }

        if (route.Canary.Backend is null)
        {
            problem("Canary.Backend", "is required with Canary.Rollout: it names the backend whose share the rollout steps");
        }

        if (rollout.Steps.IsDefaultOrEmpty)
        {
            problem($"{Field}.Steps", "needs at least one step, e.g. 1, 5, 10, 25, 50, 100");
        }
        else
        {
            var previous = 0;
            foreach (var step in rollout.Steps)
            {
                if (step is < 1 or > 100)
                {
                    problem($"{Field}.Steps", $"{step} is not a percentage from 1 to 100");
                    break;
                }

                if (step <= previous)
                {
                    problem($"{Field}.Steps", $"must ascend: {step} follows {previous}");
                    break;
                }

                previous = step;
            }
        }

        if (rollout.Interval <= TimeSpan.Zero)
        {
            problem($"{Field}.Interval", "must be longer than zero, e.g. 1m");
        }

        if (rollout.MinRequests < 0)
        {
            problem($"{Field}.MinRequests", $"{rollout.MinRequests} must be 0 or more");
        }

        if (rollout.MaxErrorRate is { } rate && rate is < 0 or > 1)
        {
            problem($"{Field}.MaxErrorRate", $"{rate:0.####} is not a share from 0 to 1 (write 1% or 0.01)");
        }

        if (rollout.MaxErrorRateRatio is { } errorRatio && !(errorRatio >= 1))
        {
            problem($"{Field}.MaxErrorRateRatio", $"{errorRatio:0.##} must be 1 or more: the canary may fail that many times as often as the primary");
        }

        if (rollout.MaxP99Latency is { } latency && latency <= TimeSpan.Zero)
        {
            problem($"{Field}.MaxP99Latency", "must be longer than zero, e.g. 500ms");
        }

        if (rollout.MaxP99LatencyRatio is { } latencyRatio && !(latencyRatio >= 1))
        {
            problem($"{Field}.MaxP99LatencyRatio", $"{latencyRatio:0.##} must be 1 or more: the canary's p99 may be that many times the primary's");
        }
    }
}
