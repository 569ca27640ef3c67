using System.Globalization;
using Gateway.Model;

namespace Gateway.Rollout;

/// <summary>The checks of a policy applied to a step's sample: each bound as an absolute value and as a ratio to the primary.</summary>
internal static class RolloutChecks
{
    public const string ErrorRate = "error_rate";
    public const string ErrorRateRatio = "error_rate_ratio";
    public const string P99Latency = "p99_latency";
    public const string P99LatencyRatio = "p99_latency_ratio";

    /// <summary>
    /// The checks that can be judged on <paramref name="sample"/>: latency checks need canary requests, ratio checks need
    /// primary requests. A primary without errors counts as one error in its requests, the finest rate it can show, so a
    /// perfect primary is not a zero that every canary error breaches.
    /// </summary>
    public static List<RolloutCheck> Run(RolloutPolicy policy, StepSample sample)
    {
        var checks = new List<RolloutCheck>(4);
        var canary = sample.Canary;
        var primary = sample.Primary;
        if (policy.MaxErrorRate is { } maxRate)
        {
            var rate = canary.ErrorRate;
            checks.Add(new RolloutCheck(ErrorRate, rate, maxRate, rate <= maxRate, $"error rate {Percent(rate)} ({canary.Errors} of {canary.Requests}) against at most {Percent(maxRate)}"));
        }

        if (policy.MaxErrorRateRatio is { } maxErrorRatio && primary.Requests > 0)
        {
            var primaryRate = Math.Max(primary.ErrorRate, 1.0 / primary.Requests);
            var ratio = canary.ErrorRate / primaryRate;
            checks.Add(new RolloutCheck(ErrorRateRatio, ratio, maxErrorRatio, ratio <= maxErrorRatio, $"error rate {Percent(canary.ErrorRate)} is {Number(ratio)}x the primary's {Percent(primary.ErrorRate)} ({primary.Errors} of {primary.Requests}), against at most {Number(maxErrorRatio)}x"));
        }

        if (canary.P99 is { } p99)
        {
            if (policy.MaxP99Latency is { } maxP99)
            {
                checks.Add(new RolloutCheck(P99Latency, p99.TotalSeconds, maxP99.TotalSeconds, p99 <= maxP99, $"p99 latency {Millis(p99)} against at most {Millis(maxP99)}"));
            }

            if (policy.MaxP99LatencyRatio is { } maxLatencyRatio && primary.P99 is { } primaryP99 && primaryP99 > TimeSpan.Zero)
            {
                var ratio = p99 / primaryP99;
                checks.Add(new RolloutCheck(P99LatencyRatio, ratio, maxLatencyRatio, ratio <= maxLatencyRatio, $"p99 latency {Millis(p99)} is {Number(ratio)}x the primary's {Millis(primaryP99)}, against at most {Number(maxLatencyRatio)}x"));
            }
        }

        return checks;
    }

    private static string Percent(double rate) => (rate * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Millis(TimeSpan value) => value.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + "ms";
}
