namespace Gateway.Model.Validation;

/// <summary>
/// Checks a route's model from the body and model canary: the variants' names and weights, the sticky key, and a path
/// match the gateway can know before routing.
/// </summary>
internal sealed class ModelCanaryValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        if (route.ModelFromBody || route.ModelCanary is not null)
        {
            for (var i = 0; i < route.Matches.Length; i++)
            {
                if (route.Matches[i].Path.Type == PathMatchType.RegularExpression)
                {
                    problem($"Matches[{i}].Path", $"must be Exact or PathPrefix on a route with {(route.ModelCanary is not null ? "ModelCanary" : "ModelFromBody")}: the body's model is read before routing, for known paths only");
                }
            }
        }

        if (route.ModelCanary is not { } canary)
        {
            return;
        }

        if (canary.Variants.IsEmpty)
        {
            problem("ModelCanary.Variants", "needs at least one variant, e.g. { \"Model\": \"llama-3.1-8b\", \"Weight\": 90 }");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        for (var i = 0; i < canary.Variants.Length; i++)
        {
            var (name, weight) = canary.Variants[i];
            var field = $"ModelCanary.Variants[{i}]";
            if (string.IsNullOrEmpty(name))
            {
                problem($"{field}.Model", "is required: the model name the backend gets");
            }
            else if (name.Length > 256 || name.AsSpan().ContainsAnyExceptInRange('!', '~') || name.AsSpan().ContainsAny('"', '\\'))
            {
                problem($"{field}.Model", $"'{name}' must be 1 to 256 visible ASCII characters other than '\"' and '\\' (it is written into the body as it is)");
            }
            else if (!seen.Add(name))
            {
                problem($"{field}.Model", $"'{name}' is listed twice; give each model one variant");
            }

            if (weight < 0)
            {
                problem($"{field}.Weight", $"{weight} must be 0 or more");
            }
            else
            {
                total += weight;
            }
        }

        if (!canary.Variants.IsEmpty && total == 0)
        {
            problem("ModelCanary.Variants", "weights add up to 0; give at least one variant a weight above 0");
        }

        Syntax.ValidateHeaderName(canary.StickyHeader, "ModelCanary.StickyHeader", problem);
        Syntax.ValidateHeaderName(canary.StickyCookie, "ModelCanary.StickyCookie", problem);
        if (canary.StickyHeader is not null && canary.StickyCookie is not null)
        {
            problem("ModelCanary.StickyCookie", "cannot be combined with ModelCanary.StickyHeader; name one sticky key");
        }
    }
}
