namespace Gateway.Model.Validation;

/// <summary>Checks a route's canary: the canary backend, the override header or cookie, and the sticky key.</summary>
internal sealed class CanaryValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        if (route.Canary is not { } canary)
        {
            return;
        }

        if (route.Filters.Redirect is not null)
        {
            problem("Canary", "cannot be used on a route with a Redirect filter: a redirected request is never forwarded");
        }

        if (canary.Backend is { } backend)
        {
            if (!route.Backends.Any(b => b.Name == backend))
            {
                problem("Canary.Backend", $"'{backend}' is not one of this route's Backends ({string.Join(", ", route.Backends.Select(b => b.Name))})");
            }
            else if (route.Backends.All(b => b.Name == backend))
            {
                problem("Canary.Backend", $"'{backend}' is the route's only backend; add the stable backend to Backends");
            }
        }
        else if (canary.Header is not null || canary.Cookie is not null)
        {
            problem("Canary.Backend", "is required with Canary.Header or Canary.Cookie: it names the backend that 'always' selects");
        }

        Syntax.ValidateHeaderName(canary.Header, "Canary.Header", problem);
        Syntax.ValidateHeaderName(canary.StickyHeader, "Canary.StickyHeader", problem);
        Syntax.ValidateHeaderName(canary.Cookie, "Canary.Cookie", problem);
        Syntax.ValidateHeaderName(canary.StickyCookie, "Canary.StickyCookie", problem);
        if ((canary.HeaderValue is not null || canary.HeaderPattern is not null) && canary.Header is null)
        {
            problem(canary.HeaderValue is not null ? "Canary.HeaderValue" : "Canary.HeaderPattern", "needs Canary.Header, the header whose value is compared");
        }

        if (canary.HeaderValue is not null && canary.HeaderPattern is not null)
        {
            problem("Canary.HeaderPattern", "cannot be combined with Canary.HeaderValue; use one of them");
        }

        if (canary.HeaderValue is { Length: 0 })
        {
            problem("Canary.HeaderValue", "is empty; give the value that selects the canary, or remove it to use 'always'/'never'");
        }

        if (canary.HeaderPattern is { } pattern)
        {
            Syntax.ValidateRegex(pattern, "Canary.HeaderPattern", problem);
        }

        if (canary.StickyHeader is not null && canary.StickyCookie is not null)
        {
            problem("Canary.StickyCookie", "cannot be combined with Canary.StickyHeader; name one sticky key");
        }
    }
}
