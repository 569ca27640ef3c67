namespace Gateway.Model.Validation;

/// <summary>
/// A route forwards to its backends, redirects, or answers directly: checks the redirect or the direct response, that
/// neither is combined with forwarding, and that a forwarding route names a backend.
/// </summary>
internal sealed class ForwardingValidator : IRouteValidator
{
    private static readonly HashSet<int> RedirectStatusCodes = [301, 302, 303, 307, 308];

    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        var filters = route.Filters;
        if (filters.Redirect is { } redirect)
        {
            ValidateRedirect(redirect, route, problem);
            if (filters.UrlRewrite is not null)
            {
                problem("Filters", "Redirect and UrlRewrite cannot be combined: a redirected request is never forwarded");
            }

            if (!route.Backends.IsEmpty)
            {
                problem("Backends", "must be empty on a route with a Redirect filter: a redirected request is never forwarded");
            }
        }
        else if (filters.DirectResponse is { } direct)
        {
            ValidateDirectResponse(direct, route, problem);
        }
        else if (route.Backends.IsEmpty)
        {
            problem("Backends", "is required: name at least one backend from 'Backends' (or add a Redirect filter)");
        }
    }

    private static void ValidateRedirect(RequestRedirect redirect, RouteModel route, Action<string, string> problem)
    {
        if (redirect.Scheme is { } scheme && scheme is not ("http" or "https"))
        {
            problem("Filters.Redirect.Scheme", $"'{scheme}' is not http or https");
        }

        if (redirect.Hostname is { } host && (host.StartsWith('*') || !Syntax.IsValidHostname(host)))
        {
            problem("Filters.Redirect.Hostname", $"'{host}' is not a hostname");
        }

        if (redirect.Port is { } port && port is < 1 or > 65535)
        {
            problem("Filters.Redirect.Port", $"{port} is not a port (1-65535)");
        }

        if (!RedirectStatusCodes.Contains(redirect.StatusCode))
        {
            problem("Filters.Redirect.StatusCode", $"{redirect.StatusCode} is not a redirect status; use 301, 302, 303, 307 or 308");
        }

        if (redirect.Path is { } path)
        {
            PathRewriteValidator.Validate(path, route, "Filters.Redirect.Path", problem);
        }
    }

    private static void ValidateDirectResponse(DirectResponse direct, RouteModel route, Action<string, string> problem)
    {
        if (direct.StatusCode is < 200 or > 599)
        {
            problem("Filters.DirectResponse.StatusCode", $"{direct.StatusCode} is not a response status (200-599)");
        }

        if (!route.Backends.IsEmpty || route.Filters.UrlRewrite is not null)
        {
            problem("Filters.DirectResponse", "cannot be combined with Backends or UrlRewrite: a request answered directly is never forwarded");
        }
    }
}
