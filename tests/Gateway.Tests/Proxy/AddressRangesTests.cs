using System.Net;
using Gateway.Primitives;

namespace Gateway.Tests.Proxy;

public sealed class AddressRangesTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.200.3.4", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.7", "192.168.1.7", true)]
    [InlineData("192.168.1.7", "192.168.1.8", false)]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1", true)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "10.0.0.1", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    public void Contains_matches_ipv4_and_ipv6_ranges(string range, string address, bool expected)
    {
        Assert.True(AddressRanges.TryParse([range], out var ranges, out var error), error);
        Assert.Equal(expected, ranges.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void A_bad_entry_is_named()
    {
        Assert.False(AddressRanges.TryParse(["10.0.0.0/8", "10.0.0.0/40"], out _, out var error));
        Assert.Contains("'10.0.0.0/40'", error, StringComparison.Ordinal);
    }
}
