namespace Gateway.Model.Validation;

/// <summary>Checks that a route's hostnames are DNS names or leading wildcards.</summary>
internal sealed class HostnamesValidator : IRouteValidator
{
    public void Validate(RouteModel route, GatewayModel model, Action<string, string> problem)
    {
        for (var i = 0; i < route.Hostnames.Length; i++)
        {
            if (!Syntax.IsValidHostname(route.Hostnames[i]))
            {
                problem($"Hostnames[{i}]", $"'{route.Hostnames[i]}' is not a hostname; use a DNS name such as api.example.com or a wildcard such as *.example.com, without scheme or port");
            }
        }
    }
}
