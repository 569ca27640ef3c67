namespace Gateway.Proxy.Upstream;

/// <summary>One header transform of a route, in the order the route lists it.</summary>
internal readonly record struct HeaderOperation(HeaderOperationKind Kind, string Name, string Value);
