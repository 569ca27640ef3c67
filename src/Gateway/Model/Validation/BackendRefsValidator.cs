namespace Gateway.Model.Validation;

/// <summary>Checks the backends a route forwards to and mirrors to: weights, percentages, and that each is defined.</summary>
internal sealed class BackendRefsValidator : IRouteValidator
{
    // Gateway API's limit; it also keeps the sum of a route's weights far from overflowing.
    private const int MaxWeight = 1_000_000;

    public bool ReadsModel => true;

    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        for (var i = 0; i < route.Backends.Length; i++)
        {
            var backendRef = route.Backends[i];
            if (backendRef.Weight < 0)
            {
                problem($"Backends[{i}].Weight", $"is {backendRef.Weight}; weights must be 0 or more");
            }
            else if (backendRef.Weight > MaxWeight)
            {
                problem($"Backends[{i}].Weight", $"is {backendRef.Weight}; weights must be at most {MaxWeight}");
            }

            if (string.IsNullOrEmpty(backendRef.Name))
            {
                problem($"Backends[{i}].Name", "is required");
            }
            else if (!model.Backends.ContainsKey(backendRef.Name))
            {
                problem($"Backends[{i}].Name", $"backend '{backendRef.Name}' is not defined; defined backends: {DefinedBackends(model)}");
            }
        }

        for (var i = 0; i < route.Filters.Mirrors.Length; i++)
        {
            var mirror = route.Filters.Mirrors[i];
            if (!model.Backends.ContainsKey(mirror.Backend))
            {
                problem($"Filters.Mirrors[{i}].Backend", $"backend '{mirror.Backend}' is not defined; defined backends: {DefinedBackends(model)}");
            }

            if (mirror.Percent is < 0 or > 100 || double.IsNaN(mirror.Percent))
            {
                problem($"Filters.Mirrors[{i}].Percent", $"is {mirror.Percent}; it must be between 0 and 100");
            }
        }
    }

    private static string DefinedBackends(GatewayModel model) =>
        model.Backends.IsEmpty ? "(none)" : string.Join(", ", model.Backends.Keys.Order(StringComparer.Ordinal));
}
