namespace Gateway.Model.Validation;

/// <summary>
/// Checks that the policies a route names are defined and count what the field expects: <c>RateLimitPolicy</c> a policy
/// of requests, <c>TokenLimitPolicy</c> one of tokens.
/// </summary>
internal sealed class RateLimitRefValidator : IRouteValidator
{
    public bool ReadsModel => true;

    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        Check(route.RateLimitPolicy, "RateLimitPolicy", RateLimitUnit.Requests, "TokenLimitPolicy", model, problem);
        Check(route.TokenLimitPolicy, "TokenLimitPolicy", RateLimitUnit.Tokens, "RateLimitPolicy", model, problem);
    }

    private static void Check(string? name, string field, RateLimitUnit unit, string otherField, GatewayModel model, Action<string, string> problem)
    {
        if (name is null)
        {
            return;
        }

        if (!model.RateLimitPolicies.TryGetValue(name, out var policy))
        {
            var defined = model.RateLimitPolicies.IsEmpty ? "(none)" : string.Join(", ", model.RateLimitPolicies.Keys.Order(StringComparer.Ordinal));
            problem(field, $"policy '{name}' is not defined in 'RateLimitPolicies'; defined policies: {defined}");
        }
        else if (policy.Unit != unit)
        {
            problem(field, $"policy '{name}' counts {policy.Unit}; name a policy with Unit {unit} here, or move it to {otherField}");
        }
    }
}
