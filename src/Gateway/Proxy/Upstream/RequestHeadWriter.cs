using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using Gateway.Paths;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// Writes the HTTP/1.1 request head for the backend straight from Kestrel's request, with the route's transforms applied
/// as YARP applies them (<see cref="LeanRoutePlan"/>) and the forwarded headers the gateway adds on every route: the
/// client's headers minus hop-by-hop ones, Host as the client sent it (or the route's), <c>X-Forwarded-For</c> (appended
/// for a trusted proxy, replaced otherwise), <c>-Proto</c>, <c>-Host</c>, <c>-Prefix</c>, and the body's framing.
/// </summary>
internal static class RequestHeadWriter
{
    // YARP's RequestUtilities list, plus the headers this writer sets itself.
    private static readonly FrozenSet<string> Skipped = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authentication-Info",
        "Proxy-Authorization", "Proxy-Features", "Proxy-Instruction", "Security-Scheme", "ALPN", "Close", "HTTP2-Settings",
        "Upgrade-Insecure-Requests", "TE", "Alt-Svc",
        "Host", "Content-Length", "Expect", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host");

    // What Uri leaves as it is in a query: anything else YARP's forwarder would escape, so such requests stay on it.
    private static readonly SearchValues<char> QueryChars = SearchValues.Create(
        "!$&'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~%");

    /// <summary>
    /// The request target for the backend, or null when the request cannot be written exactly as YARP would send it (a
    /// path with dot segments, a query with characters <see cref="Uri"/> escapes, a header value that is not ASCII).
    /// </summary>
    /// <param name="request">The client's request.</param>
    /// <param name="plan">The route's transforms.</param>
    /// <param name="destinationPath">The path of the destination's address ("" for none).</param>
    public static string? Target(HttpRequest request, LeanRoutePlan plan, string destinationPath)
    {
        var path = plan.RewritePath(request.Path.HasValue ? request.Path.Value! : "/");
        var query = request.QueryString.Value ?? "";
        if (path.Contains("/.", StringComparison.Ordinal) || query.AsSpan().IndexOfAnyExcept(QueryChars) >= 0)
        {
            return null;
        }

        foreach (var header in request.Headers)
        {
            foreach (var value in header.Value)
            {
                if (value is not null && !Ascii.IsValid(value))
                {
                    return null;
                }
            }
        }

        var prefix = destinationPath.EndsWith('/') ? destinationPath.AsSpan(0, destinationPath.Length - 1) : destinationPath;
        return string.Concat(prefix, PathEncoder.Encode(path), query);
    }

    /// <summary>The body's length for the head: null for no body, -1 for chunked, otherwise Content-Length.</summary>
    public static long? BodyLength(HttpRequest request, bool canHaveBody)
    {
        if (canHaveBody)
        {
            return request.ContentLength ?? -1;
        }

        // An empty body the client declared is declared to the backend too, as YARP's empty content does.
        return request.ContentLength == 0 ? 0 : null;
    }

    /// <summary>Writes the head; <see cref="Target"/> must have accepted the request.</summary>
    /// <param name="output">Where the head goes.</param>
    /// <param name="context">The client's request.</param>
    /// <param name="plan">The route's transforms.</param>
    /// <param name="target">What <see cref="Target"/> returned.</param>
    /// <param name="destinationHost">The destination's authority, the Host of a request without one.</param>
    /// <param name="trustedPeer">True when the peer is a trusted proxy, whose <c>X-Forwarded-For</c> chain is kept.</param>
    /// <param name="bodyLength">What <see cref="BodyLength"/> returned.</param>
    public static void Write(
        IBufferWriter<byte> output, HttpContext context, LeanRoutePlan plan, string target, string destinationHost, bool trustedPeer, long? bodyLength)
    {
        var request = context.Request;
        var headers = request.Headers;
        WriteAscii(output, request.Method);
        WriteAscii(output, " ");
        WriteAscii(output, target);
        WriteAscii(output, " HTTP/1.1\r\nHost: ");
        var host = headers.Host.ToString();
        WriteAscii(output, plan.FixedHost ?? (host.Length > 0 ? host : destinationHost));
        WriteAscii(output, "\r\n");

        var prefixFromPathBase = plan.ForwardedPrefixFromPathBase;
        foreach (var header in headers)
        {
            var name = header.Key;
            if (Skipped.Contains(name) || name.StartsWith(':') || plan.RequestHeaderNames.Contains(name)
                || ((prefixFromPathBase || plan.ForwardedPrefix is not null) && name.Equals("X-Forwarded-Prefix", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            Header(output, name, header.Value);
        }

        foreach (var name in plan.RequestHeaderNames)
        {
            Header(output, name, Apply(plan.RequestHeaders, name, headers[name]));
        }

        ForwardedHeaders(output, context, plan, trustedPeer);
        if (bodyLength is { } length)
        {
            if (length < 0)
            {
                WriteAscii(output, "Transfer-Encoding: chunked\r\n");
            }
            else
            {
                WriteAscii(output, "Content-Length: ");
                var span = output.GetSpan(20);
                length.TryFormat(span, out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
                output.Advance(written);
                WriteAscii(output, "\r\n");
            }
        }

        WriteAscii(output, "\r\n");
    }

    private static void ForwardedHeaders(IBufferWriter<byte> output, HttpContext context, LeanRoutePlan plan, bool trustedPeer)
    {
        var request = context.Request;
        if (context.Connection.RemoteIpAddress is { } address)
        {
            var ip = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
            Header(output, "X-Forwarded-For", trustedPeer ? StringValues.Concat(request.Headers["X-Forwarded-For"], ip) : new StringValues(ip));
        }
        else if (trustedPeer)
        {
            Header(output, "X-Forwarded-For", request.Headers["X-Forwarded-For"]);
        }

        Header(output, "X-Forwarded-Proto", request.Scheme);
        if (request.Host.HasValue)
        {
            Header(output, "X-Forwarded-Host", request.Host.ToUriComponent());
        }

        if (plan.ForwardedPrefixFromPathBase)
        {
            if (request.PathBase.HasValue)
            {
                Header(output, "X-Forwarded-Prefix", request.PathBase.ToUriComponent());
            }
        }
        else if (plan.ForwardedPrefix is { Length: > 0 } prefix)
        {
            // The route's prefix joins what the client sent, as YARP's AddHeader does; "" removes it.
            Header(output, "X-Forwarded-Prefix", StringValues.Concat(request.Headers["X-Forwarded-Prefix"], prefix));
        }
    }

    /// <summary>The values of one header after the route's operations on it, in order.</summary>
    private static StringValues Apply(HeaderOperation[] operations, string name, StringValues values)
    {
        foreach (var operation in operations)
        {
            if (!operation.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            values = operation.Kind switch
            {
                HeaderOperationKind.Set => operation.Value,
                HeaderOperationKind.Join => values.Count == 0 ? operation.Value : string.Join(',', values.ToArray()) + "," + operation.Value,
                HeaderOperationKind.Remove => StringValues.Empty,
                _ => StringValues.Concat(values, operation.Value),
            };
        }

        return values;
    }

    /// <summary>One field line; several values are joined as <c>SocketsHttpHandler</c> joins them (<c>; </c> for cookies).</summary>
    private static void Header(IBufferWriter<byte> output, string name, StringValues values)
    {
        if (values.Count == 0)
        {
            return;
        }

        WriteAscii(output, name);
        WriteAscii(output, ": ");
        var separator = name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ", ";
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                WriteAscii(output, separator);
            }

            WriteAscii(output, values[i]);
        }

        WriteAscii(output, "\r\n");
    }

    private static void WriteAscii(IBufferWriter<byte> output, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var span = output.GetSpan(text.Length);
        if (Ascii.FromUtf16(text, span, out var written) != OperationStatus.Done)
        {
            // Target() refused every request whose head is not ASCII, and route values are checked when compiled.
            throw new InvalidOperationException("A request head must be ASCII.");
        }

        output.Advance(written);
    }
}
