namespace Gateway.LoadBalancing;

/// <summary>
/// How much a request matters when model servers are saturated, in the Gateway API Inference Extension's levels:
/// Sheddable requests are refused first, Critical ones wait longest and go first.
/// </summary>
internal enum Criticality
{
    Sheddable,
    Standard,
    Critical,
}
