namespace Gateway.Model.Validation;

/// <summary>Checks a route's CORS rules.</summary>
internal sealed class CorsValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        if (route.Cors is { AllowOrigins.IsEmpty: true })
        {
            problem("Cors.AllowOrigins", "must name at least one origin (or '*')");
        }
    }
}
