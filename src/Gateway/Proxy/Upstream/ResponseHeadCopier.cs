using System.Collections.Frozen;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// Puts a parsed response head on Kestrel's response as YARP does: the status, the reason phrase when it is not the
/// usual one, every field but the hop-by-hop ones, then the route's response header transforms.
/// </summary>
internal static class ResponseHeadCopier
{
    // Names most responses carry, so their strings are not made per response.
    private static readonly string[] Known =
    [
        HeaderNames.ContentType, HeaderNames.ContentLength, HeaderNames.Date, HeaderNames.Server, HeaderNames.CacheControl, HeaderNames.ETag,
        HeaderNames.LastModified, HeaderNames.Vary, HeaderNames.SetCookie, HeaderNames.Location, HeaderNames.ContentEncoding, HeaderNames.Expires,
        HeaderNames.AccessControlAllowOrigin, HeaderNames.RetryAfter, HeaderNames.Via, HeaderNames.WWWAuthenticate, HeaderNames.Age,
    ];

    // YARP's RequestUtilities list, which it uses for responses too.
    private static readonly FrozenSet<string> Skipped = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authentication-Info",
        "Proxy-Authorization", "Proxy-Features", "Proxy-Instruction", "Security-Scheme", "ALPN", "Close", "HTTP2-Settings",
        "Upgrade-Insecure-Requests", "TE", "Alt-Svc");

    /// <summary>How many slots <see cref="TryCopy"/>'s value cache needs.</summary>
    public static int KnownCount => Known.Length;

    /// <summary>Copies the head; false when a field value or the reason is not ASCII, which Kestrel would refuse to send.</summary>
    /// <param name="context">The client's request, whose response gets the head.</param>
    /// <param name="head">The bytes the head was parsed from.</param>
    /// <param name="parsed">The parsed head.</param>
    /// <param name="transforms">The route's response header transforms.</param>
    /// <param name="values">
    /// The last value of each known field on this connection (<see cref="KnownCount"/> slots), reused when the same bytes
    /// come again, as they mostly do (the same Content-Type, Server, and Date within a second).
    /// </param>
    public static bool TryCopy(HttpContext context, ReadOnlySpan<byte> head, ResponseHead parsed, HeaderOperation[] transforms, string?[] values)
    {
        if (!Ascii.IsValid(head[..parsed.Length]))
        {
            return false;
        }

        var response = context.Response;
        response.StatusCode = parsed.StatusCode;
        var reason = head.Slice(parsed.ReasonStart, parsed.ReasonLength);
        if (!reason.IsEmpty && !Ascii.Equals(reason, ReasonPhrases.GetReasonPhrase(parsed.StatusCode)))
        {
            context.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase = Encoding.ASCII.GetString(reason);
        }

        var headers = response.Headers;
        var fields = new HeaderFieldEnumerator(head[parsed.FieldsStart..parsed.Length]);
        while (fields.MoveNext())
        {
            var known = KnownIndex(fields.Name);
            if (known >= 0)
            {
                var value = values[known];
                if (value is null || !Ascii.Equals(fields.Value, value))
                {
                    values[known] = value = Encoding.ASCII.GetString(fields.Value);
                }

                headers.Append(Known[known], value);
                continue;
            }

            var name = Encoding.ASCII.GetString(fields.Name);
            if (!Skipped.Contains(name))
            {
                headers.Append(name, Encoding.ASCII.GetString(fields.Value));
            }
        }

        foreach (var transform in transforms)
        {
            switch (transform.Kind)
            {
                case HeaderOperationKind.Remove:
                    headers.Remove(transform.Name);
                    break;
                case HeaderOperationKind.Set:
                    headers[transform.Name] = transform.Value;
                    break;
                default:
                    headers.Append(transform.Name, transform.Value);
                    break;
            }
        }

        return true;
    }

    /// <summary>The position of a field name in the known names, or -1.</summary>
    private static int KnownIndex(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < Known.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(name, Known[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
