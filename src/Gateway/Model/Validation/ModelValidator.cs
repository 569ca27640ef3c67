namespace Gateway.Model.Validation;

/// <summary>
/// Checks a whole model and returns every problem, each naming its object and field, so a user fixes them all in one go.
/// A model with problems is never served. Each concern is one small rule (<see cref="IRouteValidator"/>, and the
/// validators of backends and policies); this class runs them all, in the order their problems are reported.
/// </summary>
internal static class ModelValidator
{
    private static readonly IRouteValidator[] RouteValidators =
    [
        new HostnamesValidator(),
        new MatchesValidator(),
        new FiltersValidator(),
        new ForwardingValidator(),
        new BackendRefsValidator(),
        new CorsValidator(),
        new ClientConcurrencyValidator(),
        new FaultValidator(),
        new TimeoutValidator(),
        new RateLimitRefValidator(),
        new CanaryValidator(),
        new ModelCanaryValidator(),
        new RouteResilienceValidator(),
        new AuthPolicyRefsValidator(),
    ];

    /// <summary>Checks every record of <paramref name="model"/>.</summary>
    public static List<ModelProblem> Validate(GatewayModel model) => Validate(model, cache: null);

    /// <summary>
    /// Checks <paramref name="model"/>; records that <paramref name="cache"/> found clean before pass again the rules
    /// that read them alone, and are checked only against the rest of this model.
    /// </summary>
    public static List<ModelProblem> Validate(GatewayModel model, ValidationCache? cache)
    {
        var problems = new List<ModelProblem>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in model.Routes)
        {
            if (!names.Add(route.Name))
            {
                problems.Add(new ModelProblem(route.Source, $"route '{route.Name}'", "Name", "is used by another route; route names must be unique"));
            }

            var clean = cache?.IsClean(route) == true;
            var before = problems.Count;
            ValidateRoute(route, model, clean, problems);
            if (!clean && problems.Count == before)
            {
                cache?.MarkClean(route);
            }
        }

        foreach (var backend in model.Backends.Values)
        {
            if (cache?.IsClean(backend) == true)
            {
                continue;
            }

            var before = problems.Count;
            EndpointsValidator.Validate(backend, problems);
            ResilienceValidator.ValidateBackend(backend, problems);
            LoadBalancingValidator.Validate(backend, problems);
            if (problems.Count == before)
            {
                cache?.MarkClean(backend);
            }
        }

        foreach (var policy in model.RateLimitPolicies.Values)
        {
            RateLimitPolicyValidator.Validate(policy, problems);
        }

        foreach (var policy in model.AuthPolicies.Values)
        {
            AuthPolicyValidator.Validate(policy, problems);
        }

        return problems;
    }

    private static void ValidateRoute(RouteModel route, GatewayModel model, bool clean, List<ModelProblem> problems)
    {
        void Problem(string field, string message) => problems.Add(new ModelProblem(route.Source, $"route '{route.Name}'", field, message));

        foreach (var validator in RouteValidators)
        {
            if (!clean || validator.ReadsModel)
            {
                validator.Validate(route, model, Problem);
            }
        }
    }
}
