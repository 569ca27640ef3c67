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

    /// <summary>Copies the head; false when a field value or the reason is not ASCII, which Kestrel would refuse to send.</summary>
    public static bool TryCopy(HttpContext context, ReadOnlySpan<byte> head, ResponseHead parsed, HeaderOperation[] transforms)
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
            var name = Name(fields.Name);
            if (name is not null)
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

    /// <summary>The name to copy the field under, or null for a hop-by-hop field.</summary>
    private static string? Name(ReadOnlySpan<byte> name)
    {
        foreach (var known in Known)
        {
            if (Ascii.EqualsIgnoreCase(name, known))
            {
                return known;
            }
        }

        var text = Encoding.ASCII.GetString(name);
        return Skipped.Contains(text) ? null : text;
    }
}
