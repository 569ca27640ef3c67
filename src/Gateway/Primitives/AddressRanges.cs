using System.Buffers.Binary;
using System.Net;

namespace Gateway.Primitives;

/// <summary>
/// A set of IP ranges (CIDRs or single addresses) checked against a client address as <see cref="ClientIpResolver"/>
/// gives it: 128 bits with IPv4 mapped into IPv6, so the check is a few masks and compares, without allocation.
/// </summary>
internal sealed class AddressRanges
{
    private readonly (UInt128 Network, UInt128 Mask)[] _ranges;

    private AddressRanges((UInt128, UInt128)[] ranges) => _ranges = ranges;

    public int Count => _ranges.Length;

    /// <summary>Parses every entry; false (with the first bad entry in <paramref name="error"/>) when one is not an address or CIDR.</summary>
    public static bool TryParse(IEnumerable<string> entries, out AddressRanges ranges, out string error)
    {
        var parsed = new List<(UInt128, UInt128)>();
        error = "";
        foreach (var entry in entries)
        {
            if (!IpNetworks.TryParse(entry.Trim(), out var network))
            {
                error = $"'{entry}' is not an IP address or CIDR range such as 10.0.0.0/8";
                ranges = new AddressRanges([]);
                return false;
            }

            var prefix = network.PrefixLength + (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 96 : 0);
            var mask = prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);
            parsed.Add((ClientIpResolver.ToKey(network.BaseAddress) & mask, mask));
        }

        ranges = new AddressRanges([.. parsed]);
        return true;
    }

    public static AddressRanges Parse(IEnumerable<string> entries) =>
        TryParse(entries, out var ranges, out var error) ? ranges : throw new FormatException(error);

    public bool Contains(UInt128 address)
    {
        foreach (var (network, mask) in _ranges)
        {
            if ((address & mask) == network)
            {
                return true;
            }
        }

        return false;
    }

    public bool Contains(IPAddress address) => Contains(ClientIpResolver.ToKey(address));

    /// <summary>The text form of a key, for logs.</summary>
    public static string Format(UInt128 key)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, key);
        var address = new IPAddress(bytes);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();
    }
}
