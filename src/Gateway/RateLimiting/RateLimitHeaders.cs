using System.Globalization;
using System.Text;

namespace Gateway.RateLimiting;

/// <summary>
/// The IETF draft headers (draft-ietf-httpapi-ratelimit-headers): <c>RateLimit-Policy: "name";q=30;w=60</c> states the
/// quota (tokens per window of seconds), <c>RateLimit: "name";r=4;t=12</c> what is left and in how many seconds the
/// bucket is full again.
/// </summary>
internal static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";

    public const string State = "RateLimit";

    public static string FormatPolicy(RateLimitRule rule) =>
        $"{QuotedName(rule.Name)};q={rule.Rate.Tokens};w={(long)rule.Rate.Period.TotalSeconds}";

    /// <param name="quotedName">The policy name as a structured-field string, from <see cref="QuotedName"/>.</param>
    public static string FormatState(string quotedName, RateLimitDecision decision) =>
        string.Create(CultureInfo.InvariantCulture, $"{quotedName};r={decision.Remaining};t={Seconds(decision.UntilFull)}");

    /// <summary>Whole seconds, rounded up: a client waiting this long is never early.</summary>
    public static long Seconds(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds);

    /// <summary>The name as an RFC 8941 string: quoted, with <c>"</c> and <c>\</c> escaped and non-ASCII replaced.</summary>
    public static string QuotedName(string name)
    {
        var builder = new StringBuilder(name.Length + 2).Append('"');
        foreach (var c in name)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c is >= ' ' and <= '~' ? c : '_');
            }
        }

        return builder.Append('"').ToString();
    }
}
