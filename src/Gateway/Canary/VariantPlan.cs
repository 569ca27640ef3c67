namespace Gateway.Canary;

/// <summary>One backend of a split route as the translator resolved it.</summary>
/// <param name="Backend">The backend's name, which is also its YARP cluster id.</param>
/// <param name="Weight">Its share of the weighted split; 0 takes no weighted traffic.</param>
/// <param name="UnresolvedReason">Set when the backend cannot be found: its share is answered with 500.</param>
internal sealed record VariantPlan(string Backend, int Weight, string? UnresolvedReason);
