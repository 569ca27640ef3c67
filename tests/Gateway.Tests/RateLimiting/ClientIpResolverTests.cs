using System.Net;
using Gateway.Primitives;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.RateLimiting;

public sealed class ClientIpResolverTests
{
    private static UInt128 Resolve(string[] trusted, string peer, params string[] forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor.Length > 0)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return new ClientIpResolver(trusted).Resolve(context);
    }

    private static UInt128 Key(string address) => ClientIpResolver.ToKey(IPAddress.Parse(address));

    [Fact]
    public void Forwarded_for_from_an_untrusted_peer_is_ignored()
    {
        Assert.Equal(Key("203.0.113.9"), Resolve([], "203.0.113.9", "1.1.1.1"));
        Assert.Equal(Key("203.0.113.9"), Resolve(["10.0.0.0/8"], "203.0.113.9", "1.1.1.1"));
    }

    [Theory]
    [InlineData("1.1.1.1", "1.1.1.1")]
    [InlineData("9.9.9.9, 1.1.1.1", "1.1.1.1")]                 // a spoofed left-most entry does not help
    [InlineData("9.9.9.9, 1.1.1.1, 10.0.0.5", "1.1.1.1")]       // trusted hops are skipped from the right
    [InlineData("10.1.1.1, 10.0.0.5", "10.1.1.1")]              // every hop trusted: the left-most
    [InlineData("garbage, 10.0.0.5", "10.0.0.5")]               // the last trusted hop forwarded garbage
    [InlineData("1.1.1.1:4711", "1.1.1.1")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("", "10.0.0.2")]
    public void A_trusted_peer_yields_the_right_most_untrusted_address(string header, string expected)
    {
        var forwarded = header.Length == 0 ? Array.Empty<string>() : [header];
        Assert.Equal(Key(expected), Resolve(["10.0.0.0/8"], "10.0.0.2", forwarded));
    }

    [Fact]
    public void Several_header_lines_are_read_as_one_list()
    {
        Assert.Equal(Key("1.1.1.1"), Resolve(["10.0.0.0/8"], "10.0.0.2", "9.9.9.9", "1.1.1.1, 10.0.0.7"));
    }

    [Fact]
    public void IPv4_and_its_mapped_IPv6_form_are_one_client()
    {
        Assert.Equal(Key("192.0.2.1"), Resolve([], "::ffff:192.0.2.1"));
        Assert.Equal(Key("1.1.1.1"), Resolve(["10.0.0.2"], "::ffff:10.0.0.2", "1.1.1.1"));
    }
}
