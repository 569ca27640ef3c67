namespace Gateway.Model.Validation;

/// <summary>Checks a route's fault injection: delay, abort status and the shares of requests they apply to.</summary>
internal sealed class FaultValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        if (route.Filters.Fault is not { } fault)
        {
            return;
        }

        if (fault.Delay is { } delay && delay <= TimeSpan.Zero)
        {
            problem("Filters.Fault.Delay", "must be greater than zero");
        }

        if (fault.AbortStatus is { } status && status is < 200 or > 599)
        {
            problem("Filters.Fault.AbortStatus", $"{status} is not a response status (200-599)");
        }

        if (fault.DelayPercent is < 0 or > 100 || double.IsNaN(fault.DelayPercent))
        {
            problem("Filters.Fault.DelayPercent", $"{fault.DelayPercent} is not a percentage (0-100)");
        }

        if (fault.AbortPercent is < 0 or > 100 || double.IsNaN(fault.AbortPercent))
        {
            problem("Filters.Fault.AbortPercent", $"{fault.AbortPercent} is not a percentage (0-100)");
        }
    }
}
