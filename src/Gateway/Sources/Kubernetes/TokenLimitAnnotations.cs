using System.Collections.Immutable;
using System.Globalization;
using Gateway.Model;
using static Gateway.Sources.Kubernetes.Annotations.MlGatewayAnnotations;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Reads the token budget of the routes of a Service, an Ingress or an HTTPRoute from the same annotations: the route's
/// own (<c>mlgateway.io/token-limit</c> with <c>-burst</c> and <c>-key</c>), a policy named after the object, or a
/// configured one that <c>mlgateway.io/token-limit-policy</c> names (whose existence the merged model checks).
/// </summary>
internal static class TokenLimitAnnotations
{
    public static ImmutableArray<string> All { get; } = [TokenLimit, TokenLimitBurst, TokenLimitKey, TokenLimitPolicy];

    /// <summary>
    /// The route's own budget, or null; <paramref name="configured"/> is the configured policy it names instead. Each bad
    /// value is a <paramref name="problem"/>(annotation, message), and then the route gets neither.
    /// </summary>
    /// <param name="name">The name of the route's own policy, e.g. <c>ingress/ns/name/tokens</c>.</param>
    public static RateLimitPolicy? Read(Func<string, string?> get, string name, string source, Action<string, string> problem, out string? configured)
    {
        var failed = false;
        void Fail(string annotation, string message)
        {
            failed = true;
            problem(annotation, message);
        }

        var own = ReadOwn(get, name, source, Fail);
        configured = get(TokenLimitPolicy);
        if (configured is not null && get(TokenLimit) is not null)
        {
            Fail(TokenLimitPolicy, $"cannot be set with {TokenLimit}: the route has one token budget, either its own rate or a configured policy");
        }
        else if (configured is { Length: 0 })
        {
            Fail(TokenLimitPolicy, "is empty; name a configured policy with \"Unit\": \"Tokens\", e.g. tokens-per-caller");
        }

        if (failed)
        {
            configured = null;
            return null;
        }

        return own;
    }

    /// <summary>
    /// Tokens per period (<c>100000/m</c>), a burst, and whose budget (by default the caller: its identity when
    /// authenticated, else its address).
    /// </summary>
    private static RateLimitPolicy? ReadOwn(Func<string, string?> get, string name, string source, Action<string, string> problem)
    {
        var rate = get(TokenLimit);
        var burst = get(TokenLimitBurst);
        var key = get(TokenLimitKey);
        if (rate is null)
        {
            if ((burst ?? key) is not null)
            {
                problem(burst is not null ? TokenLimitBurst : TokenLimitKey, $"needs {TokenLimit}, e.g. \"100000/m\"");
            }

            return null;
        }

        var valid = true;
        if (!ServiceAnnotations.IsRate(rate) || !RateLimitRate.TryParse(rate, out _))
        {
            problem(TokenLimit, $"'{rate}' is not a token rate; write tokens per second, minute or hour (1 to {RateLimitRate.MaxTokens}), e.g. \"100000/m\"");
            valid = false;
        }

        int? burstSize = null;
        if (burst is not null)
        {
            if (!int.TryParse(burst, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > RateLimitPolicyValidator.MaxBurst)
            {
                problem(TokenLimitBurst, $"'{burst}' must be a whole number of tokens, 1 to {RateLimitPolicyValidator.MaxBurst}");
                valid = false;
            }
            else
            {
                burstSize = parsed;
            }
        }

        if (key is not null && !RateLimitKeySpec.TryParse(key, out _, out var keyError))
        {
            problem(TokenLimitKey, keyError);
            valid = false;
        }

        return valid
            ? new RateLimitPolicy { Name = name, Source = source, Rate = rate, Burst = burstSize, Key = key ?? "caller", Unit = RateLimitUnit.Tokens }
            : null;
    }
}
