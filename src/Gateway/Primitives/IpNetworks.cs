using System.Net;

namespace Gateway.Primitives;

/// <summary>Reads the address ranges of configuration: a CIDR range, or a lone address as a /32 or /128 range.</summary>
internal static class IpNetworks
{
    public static bool TryParse(string text, out IPNetwork network)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }
}
