using Gateway.Primitives;

namespace Gateway.Sources.Kubernetes.Istio;

/// <summary>
/// Istio's <c>regex</c> string matches are RE2 (as Envoy runs them) and must match the whole value. This turns one into a
/// pattern for <see cref="RouteRegex"/>, or says why it cannot be: not a regular expression, or a construct RE2 does
/// not have (lookarounds, backreferences, atomic groups, conditionals), which Istio's own validation refuses too.
/// </summary>
internal static class IstioRegex
{
    /// <summary>The pattern to match with, or null with <paramref name="error"/> set.</summary>
    public static string? Translate(string pattern, out string? error)
    {
        error = null;
        if (pattern.Length == 0)
        {
            error = "must not be empty";
            return null;
        }

        // .NET reads [[:alpha:]] as a class of its letters: refused rather than matched differently.
        if (pattern.Contains("[:", StringComparison.Ordinal) && pattern.Contains(":]", StringComparison.Ordinal))
        {
            error = $"'{pattern}' uses a POSIX character class such as [[:alpha:]], which the gateway does not support; write the range instead ([a-zA-Z])";
            return null;
        }

        // RE2 names groups (?P<name>...), which .NET spells (?<name>...).
        var translated = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
        try
        {
            _ = RouteRegex.FullMatch(translated);
            return translated;
        }
        catch (NotSupportedException)
        {
            error = $"'{pattern}' is not RE2 syntax: Istio regular expressions have no lookarounds, backreferences, atomic groups or conditionals";
        }
        catch (ArgumentException ex)
        {
            error = $"'{pattern}' is not a valid regular expression: {ex.Message}";
        }

        return null;
    }
}
