namespace Gateway.Model.Validation;

/// <summary>Checks that the rate-limit policy a route names is defined.</summary>
internal sealed class RateLimitRefValidator : IRouteValidator
{
    public bool ReadsModel => true;

    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        if (route.RateLimitPolicy is { } policy && !model.RateLimitPolicies.ContainsKey(policy))
        {
            var defined = model.RateLimitPolicies.IsEmpty ? "(none)" : string.Join(", ", model.RateLimitPolicies.Keys.Order(StringComparer.Ordinal));
            problem("RateLimitPolicy", $"policy '{policy}' is not defined in 'RateLimitPolicies'; defined policies: {defined}");
        }
    }
}
