using Gateway.Primitives;

namespace Gateway.Model.Validation;

/// <summary>Checks the number of requests one client may have in flight on a route.</summary>
internal sealed class ClientConcurrencyValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        if (route.MaxConcurrentRequestsPerClient is < 1)
        {
            problem("MaxConcurrentRequestsPerClient", "must be 1 or more");
        }

        if (route.ConcurrencyExemptSources is { } exempt && !AddressRanges.TryParse(exempt, out _, out var rangeError))
        {
            problem("ConcurrencyExemptSources", rangeError);
        }
    }
}
