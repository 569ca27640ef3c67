namespace Gateway.Model.Validation;

/// <summary>Checks a route's retries, response-headers timeout and body limit (in <see cref="ResilienceValidator"/>, beside the backends' checks).</summary>
internal sealed class RouteResilienceValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem) => ResilienceValidator.ValidateRoute(route, problem);
}
