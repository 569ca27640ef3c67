namespace Gateway.Model.Validation;

/// <summary>Checks a route's matches: paths, regular expressions, methods, header and query parameter names.</summary>
internal sealed class MatchesValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        for (var i = 0; i < route.Matches.Length; i++)
        {
            ValidateMatch(route.Matches[i], $"Matches[{i}]", problem);
        }
    }

    private static void ValidateMatch(RouteMatch match, string field, Action<string, string> problem)
    {
        var path = match.Path;
        if (path.Type == PathMatchType.RegularExpression)
        {
            Syntax.ValidateRegex(path.Value, $"{field}.Path.Value", problem);
        }
        else if (Syntax.PathError(path.Value) is { } pathError)
        {
            problem($"{field}.Path.Value", pathError);
        }

        if (match.Method is { } method && !Syntax.IsToken(method))
        {
            problem($"{field}.Method", $"'{method}' is not an HTTP method");
        }

        ValidateValueMatches(match.Headers, $"{field}.Headers", isHeader: true, problem);
        ValidateValueMatches(match.QueryParameters, $"{field}.QueryParameters", isHeader: false, problem);
    }

    private static void ValidateValueMatches(IReadOnlyList<ValueMatch> matches, string field, bool isHeader, Action<string, string> problem)
    {
        for (var i = 0; i < matches.Count; i++)
        {
            var match = matches[i];
            if (string.IsNullOrEmpty(match.Name) || (isHeader && !Syntax.IsToken(match.Name)))
            {
                problem($"{field}[{i}].Name", $"'{match.Name}' is not a valid {(isHeader ? "header" : "query parameter")} name");
            }

            if (match.Type == ValueMatchType.RegularExpression)
            {
                Syntax.ValidateRegex(match.Value, $"{field}[{i}].Value", problem);
            }

            if (match.Invert && !isHeader)
            {
                problem($"{field}[{i}].Invert", "applies to header matches only");
            }
        }
    }
}
