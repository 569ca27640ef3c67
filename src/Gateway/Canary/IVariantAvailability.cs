namespace Gateway.Canary;

/// <summary>Tells whether a variant's backend has ready endpoints now, so a request can fall back to one that does.</summary>
internal interface IVariantAvailability
{
    bool IsAvailable(Variant variant);
}
