using System.Text.RegularExpressions;

namespace Gateway.Primitives;

/// <summary>Builds the regular expressions of user patterns (paths, headers, canary values): anchored to the whole value.</summary>
internal static class RouteRegex
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);

    // NonBacktracking: a user's pattern can never make matching take exponential time.
    public static Regex FullMatch(string pattern) =>
        new($"^(?:{pattern})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, Timeout);
}
