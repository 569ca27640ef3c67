using Gateway.Canary;

namespace Gateway.Tests.Canary;

/// <summary>Backends without ready endpoints, as the proxy state would report them.</summary>
internal sealed class FakeAvailability(params string[] down) : IVariantAvailability
{
    public bool IsAvailable(Variant variant) => !down.Contains(variant.Name);
}
