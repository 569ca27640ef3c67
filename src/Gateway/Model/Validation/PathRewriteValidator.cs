using Gateway.Primitives;

namespace Gateway.Model.Validation;

/// <summary>Checks a path rewrite (of a URL rewrite or a redirect) against the route's matches.</summary>
internal static class PathRewriteValidator
{
    public static void Validate(PathRewrite rewrite, RouteModel route, string field, Action<string, string> problem)
    {
        // A substitution may start with a capture ("$1"); the transform makes the result absolute.
        var value = rewrite.Type == PathRewriteType.RegexSubstitution && rewrite.Value.StartsWith('$') ? "/" + rewrite.Value : rewrite.Value;
        if (Syntax.PathError(value) is { } error)
        {
            problem($"{field}.Value", error);
        }

        if (rewrite.Type == PathRewriteType.RegexSubstitution)
        {
            for (var i = 0; i < route.Matches.Length; i++)
            {
                var match = route.Matches[i].Path;
                if (match.Type != PathMatchType.RegularExpression)
                {
                    problem($"{field}.Type", $"RegexSubstitution needs a RegularExpression match, but Matches[{i}] is {match.Type}");
                }
                else if (Syntax.IsValidRegex(match.Value) && RewriteTemplate.Parse(rewrite.Value).HighestGroup > RouteRegex.FullMatch(match.Value).GetGroupNumbers().Max())
                {
                    problem($"{field}.Value", $"'{rewrite.Value}' uses a group that Matches[{i}] '{match.Value}' does not capture");
                }
            }
        }

        if (rewrite.Type == PathRewriteType.ReplacePrefixMatch)
        {
            for (var i = 0; i < route.Matches.Length; i++)
            {
                if (route.Matches[i].Path.Type is not (PathMatchType.PathPrefix or PathMatchType.StringPrefix))
                {
                    problem($"{field}.Type", $"ReplacePrefixMatch needs a PathPrefix or StringPrefix match, but Matches[{i}] is {route.Matches[i].Path.Type}");
                }
            }
        }
    }
}
