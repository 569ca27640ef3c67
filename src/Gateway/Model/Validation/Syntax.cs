using Gateway.Primitives;

namespace Gateway.Model.Validation;

/// <summary>The syntax checks several rules share: tokens, hostnames, paths, regular expressions.</summary>
internal static class Syntax
{
    // RFC 9110 token characters.
    public static bool IsToken(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

    public static bool IsValidHostname(string host)
    {
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        return name.Length is > 0 and <= 253
            && Uri.CheckHostName(name) == UriHostNameType.Dns
            && !name.Contains('*');
    }

    /// <summary>Null when <paramref name="path"/> can be matched and forwarded; otherwise why not.</summary>
    public static string? PathError(string path)
    {
        if (path.Length == 0)
        {
            return "is empty; a path must start with '/' (use '/' to match everything)";
        }

        if (path[0] != '/')
        {
            return $"'{path}' must start with '/'";
        }

        if (path.Contains("//", StringComparison.Ordinal))
        {
            return $"'{path}' contains an empty segment '//'";
        }

        if (path.IndexOfAny(['?', '#', ' ', '\t', '\r', '\n']) >= 0)
        {
            return $"'{path}' contains a character not allowed in a path ('?', '#' or white space)";
        }

        return null;
    }

    public static bool IsValidRegex(string pattern)
    {
        var valid = true;
        ValidateRegex(pattern, "", (_, _) => valid = false);
        return valid;
    }

    public static void ValidateRegex(string pattern, string field, Action<string, string> problem)
    {
        if (pattern.Length == 0)
        {
            problem(field, "is an empty regular expression");
            return;
        }

        try
        {
            _ = RouteRegex.FullMatch(pattern);
        }
        catch (ArgumentException ex)
        {
            problem(field, $"'{pattern}' is not a valid regular expression: {ex.Message}");
        }
        catch (NotSupportedException ex)
        {
            problem(field, $"'{pattern}' uses a construct the gateway does not support (backreferences and lookarounds are refused so matching stays linear): {ex.Message}");
        }
    }

    // Cookie names are tokens too (RFC 6265).
    public static void ValidateHeaderName(string? name, string field, Action<string, string> problem)
    {
        if (name is not null && !IsToken(name))
        {
            problem(field, $"'{name}' is not a valid {(field.Contains("Cookie", StringComparison.Ordinal) ? "cookie" : "header")} name");
        }
    }
}
