namespace Gateway.Model;

/// <summary>A real model that serves a share (<see cref="Weight"/> of the total) of a route's public model name.</summary>
internal sealed record ModelVariant(string Model, int Weight);
