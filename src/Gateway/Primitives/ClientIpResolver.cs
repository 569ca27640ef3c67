using System.Buffers.Binary;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace Gateway.Primitives;

/// <summary>
/// The client address a limit is keyed on: the TCP peer, unless the peer is a trusted proxy, in which case the
/// right-most <c>X-Forwarded-For</c> address that is not a trusted proxy. A client talking to the gateway directly
/// cannot choose its bucket by sending <c>X-Forwarded-For</c>.
/// </summary>
internal sealed class ClientIpResolver
{
    private const string ForwardedFor = "X-Forwarded-For";

    private readonly IPNetwork[] _trusted;

    public ClientIpResolver(IEnumerable<string> trustedProxies)
    {
        var trusted = new List<IPNetwork>();
        foreach (var text in trustedProxies)
        {
            if (IpNetworks.TryParse(text, out var network))
            {
                trusted.Add(network);
            }
        }

        _trusted = [.. trusted];
    }

    public UInt128 Resolve(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress;
        if (peer is null)
        {
            return UInt128.Zero;
        }

        if (_trusted.Length == 0 || !IsTrusted(peer))
        {
            return ToKey(peer);
        }

        var client = ToKey(peer);
        var values = context.Request.Headers[ForwardedFor];
        for (var v = values.Count - 1; v >= 0; v--)
        {
            var span = values[v].AsSpan();
            while (!span.IsEmpty)
            {
                var comma = span.LastIndexOf(',');
                var entry = span[(comma + 1)..].Trim();
                span = comma < 0 ? default : span[..comma];
                if (entry.IsEmpty)
                {
                    continue;
                }

                // A garbled hop was written by whoever sent it to the last trusted proxy: that sender is the client we know.
                if (!TryParse(entry, out var address))
                {
                    return client;
                }

                client = ToKey(address);
                if (!IsTrusted(address))
                {
                    return client;
                }
            }
        }

        return client;
    }

    /// <summary>True when the TCP peer is a trusted proxy, so the forwarded headers it sets are believed.</summary>
    public bool IsTrustedPeer(HttpContext context) =>
        _trusted.Length > 0 && context.Connection.RemoteIpAddress is { } peer && IsTrusted(peer);

    private bool IsTrusted(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _trusted)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Accepts <c>1.2.3.4</c>, <c>1.2.3.4:80</c>, <c>::1</c> and <c>[::1]:80</c>.</summary>
    private static bool TryParse(ReadOnlySpan<char> text, out IPAddress address)
    {
        if (text.StartsWith('[') && text.IndexOf(']') is var close and > 0)
        {
            text = text[1..close];
        }
        else if (text.IndexOf(':') is var colon and > 0 && text.LastIndexOf(':') == colon)
        {
            text = text[..colon];
        }

        return IPAddress.TryParse(text, out address!);
    }

    /// <summary>The address as 128 bits, IPv4 mapped into IPv6 so both spellings of one client share a bucket.</summary>
    public static UInt128 ToKey(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            bytes[..10].Clear();
            bytes[10] = 0xff;
            bytes[11] = 0xff;
            address.TryWriteBytes(bytes[12..], out _);
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
        }

        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
