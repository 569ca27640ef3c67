namespace Gateway.Model.Validation;

/// <summary>One rule of a valid route; <see cref="ModelValidator"/> runs every rule and gathers every problem.</summary>
internal interface IRouteValidator
{
    /// <summary>
    /// True when the rule looks up other objects of the model (backends, policies): it runs against every model, while
    /// the rules that read the route alone are skipped for a route found clean before.
    /// </summary>
    bool ReadsModel => false;

    /// <summary>Reports each problem of <paramref name="route"/> as <paramref name="problem"/>(field, message).</summary>
    void Validate(RouteModel route, GatewayModel model, Action<string, string> problem);
}
