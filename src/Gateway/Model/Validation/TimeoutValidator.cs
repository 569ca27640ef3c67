namespace Gateway.Model.Validation;

/// <summary>Checks a route's timeout for the whole request.</summary>
internal sealed class TimeoutValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        if (route.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            problem("Timeout", "must be greater than zero");
        }
    }
}
