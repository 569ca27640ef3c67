using Gateway.Primitives;

namespace Gateway.Model.Validation;

/// <summary>Checks the filters that change a forwarded request or its response: URL rewrite, source ranges, headers.</summary>
internal sealed class FiltersValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        var filters = route.Filters;
        if (filters.UrlRewrite?.Path is { } rewrite)
        {
            PathRewriteValidator.Validate(rewrite, route, "Filters.UrlRewrite.Path", problem);
        }

        if (filters.UrlRewrite?.Hostname is { } rewriteHost && (rewriteHost.StartsWith('*') || !Syntax.IsValidHostname(rewriteHost)))
        {
            problem("Filters.UrlRewrite.Hostname", $"'{rewriteHost}' is not a hostname");
        }

        ValidateRanges(filters.AllowSources, "Filters.AllowSources", problem);
        ValidateRanges(filters.DenySources, "Filters.DenySources", problem);
        ValidateHeaders(filters.RequestHeaders, "Filters.RequestHeaders", problem);
        ValidateHeaders(filters.ResponseHeaders, "Filters.ResponseHeaders", problem);
    }

    private static void ValidateRanges(System.Collections.Immutable.ImmutableArray<string> ranges, string field, Action<string, string> problem)
    {
        if (!ranges.IsEmpty && !AddressRanges.TryParse(ranges, out _, out var error))
        {
            problem(field, error);
        }
    }

    private static void ValidateHeaders(HeaderModifier? modifier, string field, Action<string, string> problem)
    {
        if (modifier is null)
        {
            return;
        }

        foreach (var (name, value) in modifier.Set.Concat(modifier.Add))
        {
            if (!Syntax.IsToken(name))
            {
                problem($"{field}.{name}", "is not a valid header name");
            }

            if (value.Any(c => c is '\r' or '\n' or '\0'))
            {
                problem($"{field}.{name}", "a header value cannot contain CR, LF or NUL");
            }
        }

        foreach (var name in modifier.Remove)
        {
            if (!Syntax.IsToken(name))
            {
                problem($"{field}.Remove", $"'{name}' is not a valid header name");
            }
        }
    }
}
