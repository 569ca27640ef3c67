using Gateway.Primitives;

namespace Gateway.Model;

/// <summary>Checks every field of a rate-limit policy; part of <see cref="Validation.ModelValidator"/>.</summary>
internal static class RateLimitPolicyValidator
{
    /// <summary>Bounds burst plus queue so bucket arithmetic (tokens times refill interval) never overflows.</summary>
    public const int MaxBurst = 1_000_000;

    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(5);

    public static void Validate(RateLimitPolicy policy, List<ModelProblem> problems)
    {
        var obj = $"rate-limit policy '{policy.Name}'";
        void Problem(string field, string message) => problems.Add(new ModelProblem(policy.Source, obj, field, message));

        if (string.IsNullOrWhiteSpace(policy.Name))
        {
            Problem("Name", "is required");
        }

        if (string.IsNullOrWhiteSpace(policy.Rate))
        {
            Problem("Rate", $"is required: {RateLimitRate.Expected}");
        }
        else if (!RateLimitRate.TryParse(policy.Rate, out _))
        {
            Problem("Rate", $"'{policy.Rate}' is not {RateLimitRate.Expected} (1 to {RateLimitRate.MaxTokens} tokens)");
        }

        if (policy.Burst is { } burst && burst is < 1 or > MaxBurst)
        {
            Problem("Burst", $"is {burst}; it must be between 1 and {MaxBurst}");
        }

        if (policy.Queue is < 0 or > MaxBurst)
        {
            Problem("Queue", $"is {policy.Queue}; it must be between 0 (never queue) and {MaxBurst}");
        }

        if (!RateLimitKeySpec.TryParse(policy.Key, out var key, out var keyError))
        {
            Problem("Key", keyError);
        }
        else if (!policy.Plans.IsEmpty && !key.Identity)
        {
            Problem("Plans", $"need a Key that includes 'identity' (e.g. \"identity\"), so each caller's plan applies to the caller's own bucket; Key is '{policy.Key}'");
        }

        if (!policy.ExemptSources.IsEmpty && !AddressRanges.TryParse(policy.ExemptSources, out _, out var rangeError))
        {
            Problem("ExemptSources", rangeError);
        }

        foreach (var (plan, rate) in policy.Plans)
        {
            if (!RateLimitRate.TryParse(rate, out _))
            {
                Problem($"Plans.{plan}", $"'{rate}' is not {RateLimitRate.Expected} (1 to {RateLimitRate.MaxTokens} tokens)");
            }
        }

        if (policy.StatusCode is < 400 or > 599)
        {
            Problem("StatusCode", $"{policy.StatusCode} is not an error status; use 429 (the default) or 503 as ingress-nginx does");
        }

        if (!Enum.IsDefined(policy.Mode))
        {
            Problem("Mode", $"'{policy.Mode}' is not Local or Global");
        }

        if (!Enum.IsDefined(policy.FailMode))
        {
            Problem("FailMode", $"'{policy.FailMode}' is not Open, Closed or Local");
        }

        if (policy.Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > MaxTimeout))
        {
            Problem("Timeout", $"is {timeout.TotalMilliseconds} ms; it must be above 0 and at most {MaxTimeout.TotalSeconds} s (a request waits this long for Redis)");
        }

        if (policy.Also is { } also)
        {
            if (also.Also is not null || !also.Plans.IsEmpty || !policy.Plans.IsEmpty)
            {
                Problem("Also", "is a second limit of its own: it may not have another one, and neither policy may have Plans");
            }

            Validate(also, problems);
        }
    }
}
