using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model;
using static Gateway.Sources.Kubernetes.Annotations.MlGatewayAnnotations;

namespace Gateway.Sources.Kubernetes.Annotations;

/// <summary>Reads the <c>mlgateway.io/rollout-*</c> annotations of a canary into a <see cref="RolloutPolicy"/>.</summary>
internal static class RolloutAnnotations
{
    public static ImmutableArray<string> All { get; } =
    [
        RolloutSteps, RolloutInterval, RolloutMinRequests, RolloutMaxErrorRate, RolloutMaxErrorRateRatio,
        RolloutMaxP99Latency, RolloutMaxP99LatencyRatio, RolloutRevision, MlGatewayAnnotations.RolloutControl,
    ];

    /// <summary>The policy, or null when no rollout annotation is set; each bad value is a <paramref name="problem"/>(annotation, message).</summary>
    /// <remarks>Ranges are checked here too, so the message names the annotation rather than the model field.</remarks>
    public static RolloutPolicy? Read(Func<string, string?> get, Action<string, string> problem)
    {
        var any = false;
        foreach (var name in All)
        {
            any |= get(name) is not null;
        }

        if (!any)
        {
            return null;
        }

        var policy = new RolloutPolicy();
        if (get(RolloutSteps) is { } stepsText)
        {
            if (RolloutSyntax.TryParseSteps(stepsText, out var steps) && IsAscendingPercentages(steps))
            {
                policy = policy with { Steps = steps };
            }
            else
            {
                problem(RolloutSteps, $"'{stepsText}' must be ascending whole percentages from 1 to 100 separated by commas, e.g. \"1,5,10,25,50,100\"");
            }
        }

        if (get(RolloutInterval) is { } intervalText)
        {
            if (DurationParser.TryParse(intervalText, out var interval) && interval > TimeSpan.Zero)
            {
                policy = policy with { Interval = interval };
            }
            else
            {
                problem(RolloutInterval, $"'{intervalText}' is not a duration such as 30s or 2m");
            }
        }

        if (get(RolloutMinRequests) is { } minText)
        {
            if (int.TryParse(minText, NumberStyles.None, CultureInfo.InvariantCulture, out var min))
            {
                policy = policy with { MinRequests = min };
            }
            else
            {
                problem(RolloutMinRequests, $"'{minText}' must be a whole number of requests, 0 or more");
            }
        }

        if (get(RolloutMaxErrorRate) is { } rateText)
        {
            if (RolloutSyntax.TryParseRate(rateText, out var rate) && rate is >= 0 and <= 1)
            {
                policy = policy with { MaxErrorRate = rate };
            }
            else
            {
                problem(RolloutMaxErrorRate, $"'{rateText}' is not a share from 0 to 100%, e.g. \"1%\" or \"0.01\"");
            }
        }

        policy = policy with
        {
            MaxErrorRateRatio = Ratio(get, problem, RolloutMaxErrorRateRatio),
            MaxP99LatencyRatio = Ratio(get, problem, RolloutMaxP99LatencyRatio),
            Revision = get(RolloutRevision),
        };
        if (get(RolloutMaxP99Latency) is { } latencyText)
        {
            if (DurationParser.TryParse(latencyText, out var latency) && latency > TimeSpan.Zero)
            {
                policy = policy with { MaxP99Latency = latency };
            }
            else
            {
                problem(RolloutMaxP99Latency, $"'{latencyText}' is not a duration such as 500ms or 2s");
            }
        }

        if (get(MlGatewayAnnotations.RolloutControl) is { } controlText)
        {
            if (controlText is "pause" or "abort" or "promote")
            {
                policy = policy with { Control = Enum.Parse<Model.RolloutControl>(controlText, ignoreCase: true) };
            }
            else
            {
                problem(MlGatewayAnnotations.RolloutControl, $"'{controlText}' must be \"pause\", \"abort\" or \"promote\"; remove the annotation to let the analysis decide");
            }
        }

        return policy;
    }

    private static double? Ratio(Func<string, string?> get, Action<string, string> problem, string annotation)
    {
        if (get(annotation) is not { } text)
        {
            return null;
        }

        if (RolloutSyntax.TryParseRatio(text, out var ratio) && ratio >= 1)
        {
            return ratio;
        }

        problem(annotation, $"'{text}' must be a multiple of the primary's value, 1 or more, e.g. \"2\" or \"1.5\"");
        return null;
    }

    private static bool IsAscendingPercentages(ImmutableArray<int> steps)
    {
        var previous = 0;
        foreach (var step in steps)
        {
            if (step <= previous || step > 100)
            {
                return false;
            }

            previous = step;
        }

        return steps.Length > 0;
    }
}
