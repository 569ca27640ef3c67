namespace Gateway.Model;

/// <summary>A route's reference to a backend, with its share of traffic.</summary>
internal sealed record BackendRef(string Name, int Weight = 1);
