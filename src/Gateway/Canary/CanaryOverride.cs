namespace Gateway.Canary;

/// <summary>What a request's canary header or cookie asks for, before the weights are consulted.</summary>
internal enum CanaryOverride
{
    None,
    Always,
    Never,
}
