using ArchUnitNET.Loader;
using Gateway.Model;

namespace Gateway.Tests.Architecture;

/// <summary>The compiled Gateway assembly as ArchUnitNET sees it, loaded once for every architecture test.</summary>
internal static class GatewayArchitecture
{
    public static ArchUnitNET.Domain.Architecture Instance { get; } = new ArchLoader().LoadAssemblies(typeof(GatewayModel).Assembly).Build();
}
