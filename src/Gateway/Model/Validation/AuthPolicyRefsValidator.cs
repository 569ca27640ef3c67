namespace Gateway.Model.Validation;

/// <summary>Checks that the auth policies a route names are defined, and that 'none' stands alone.</summary>
internal sealed class AuthPolicyRefsValidator : IRouteValidator
{
    public bool ReadsModel => true;

    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        var names = route.AuthPolicies;
        for (var i = 0; i < names.Length; i++)
        {
            var field = names.Length == 1 ? "AuthPolicy" : $"AuthPolicy[{i}]";
            var name = names[i];
            if (string.Equals(name, AuthPolicy.None, StringComparison.OrdinalIgnoreCase))
            {
                if (names.Length > 1)
                {
                    problem(field, $"'{AuthPolicy.None}' cannot be combined with other policies: any-of with an open door is open");
                }
            }
            else if (!model.AuthPolicies.ContainsKey(name))
            {
                var defined = model.AuthPolicies.IsEmpty ? "(none)" : string.Join(", ", model.AuthPolicies.Keys.Order(StringComparer.Ordinal));
                problem(field, $"policy '{name}' is not defined in 'AuthPolicies'; defined policies: {defined}");
            }
        }
    }
}
