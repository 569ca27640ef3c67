using System.Text;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// A strict HTTP/1.1 response-head parser. It validates the whole head before anything of it is used, refuses every form
/// that two parsers could read differently (response smuggling: two lengths, a length with chunked, obs-fold, bare LF,
/// control characters), and reports the body's framing as RFC 9112 §6.3 defines it. No allocation: the result is
/// offsets into the caller's buffer, and errors are constant strings.
/// </summary>
internal static class ResponseHeadParser
{
    /// <summary>The longest head accepted, as <c>SocketsHttpHandler</c>'s default <c>MaxResponseHeadersLength</c> (64 KiB).</summary>
    public const int DefaultMaxHeadSize = 64 * 1024;

    /// <summary>The most field lines accepted in one head.</summary>
    public const int DefaultMaxFieldCount = 256;

    // "HTTP/1.1 200": the shortest status line.
    private const int MinStatusLineLength = 12;

    /// <summary>Parses the head at the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">The bytes read so far; the body may follow the head in it.</param>
    /// <param name="requestWasHead">True when the request was HEAD: the response then has no body, whatever it says.</param>
    /// <param name="head">The head, when the result is <see cref="HeadParseResult.Complete"/>.</param>
    /// <param name="error">Why the head is refused, when the result is <see cref="HeadParseResult.Invalid"/>.</param>
    /// <param name="maxHeadSize">The longest head accepted, its final empty line included.</param>
    /// <param name="maxFieldCount">The most field lines accepted.</param>
    public static HeadParseResult TryParse(
        ReadOnlySpan<byte> buffer, bool requestWasHead, out ResponseHead head, out string? error,
        int maxHeadSize = DefaultMaxHeadSize, int maxFieldCount = DefaultMaxFieldCount)
    {
        head = default;
        var scan = buffer.Length > maxHeadSize ? buffer[..maxHeadSize] : buffer;
        var status = new StatusLine();
        var fields = new FramingFields();
        var fieldCount = 0;
        var lineStart = 0;
        while (true)
        {
            var lf = scan[lineStart..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                error = buffer.Length >= maxHeadSize ? "the response head is larger than the limit" : null;
                return error is null ? HeadParseResult.Incomplete : HeadParseResult.Invalid;
            }

            var end = lineStart + lf;
            if (end == 0 || scan[end - 1] != (byte)'\r')
            {
                error = "the response head has a line feed without a carriage return before it";
                return HeadParseResult.Invalid;
            }

            var line = scan[lineStart..(end - 1)];
            if (lineStart == 0)
            {
                if (!TryParseStatusLine(line, out status, out error))
                {
                    return HeadParseResult.Invalid;
                }
            }
            else if (line.IsEmpty)
            {
                return Finish(status, fields, fieldCount, end + 1, requestWasHead, out head, out error);
            }
            else
            {
                if (++fieldCount > maxFieldCount)
                {
                    error = "the response head has more field lines than the limit";
                    return HeadParseResult.Invalid;
                }

                if (!TryParseField(line, ref fields, out error))
                {
                    return HeadParseResult.Invalid;
                }
            }

            lineStart = end + 1;
        }
    }

    private static bool TryParseStatusLine(ReadOnlySpan<byte> line, out StatusLine status, out string? error)
    {
        status = default;
        if (line.Length < MinStatusLineLength || !line.StartsWith("HTTP/1."u8) || line[7] is not ((byte)'0' or (byte)'1') || line[8] != (byte)' ')
        {
            error = "the response does not start with an HTTP/1.1 or HTTP/1.0 status line";
            return false;
        }

        var code = 0;
        for (var i = 9; i < MinStatusLineLength; i++)
        {
            var digit = line[i] - '0';
            if (digit is < 0 or > 9)
            {
                error = "the response's status code is not three digits";
                return false;
            }

            code = (code * 10) + digit;
        }

        if (code is < 100 or > 599)
        {
            error = "the response's status code is outside 100-599";
            return false;
        }

        // The SP before an empty reason is often left out; nothing can be read two ways without it.
        var reasonStart = MinStatusLineLength;
        if (line.Length > MinStatusLineLength)
        {
            if (line[MinStatusLineLength] != (byte)' ')
            {
                error = "the response's status code is not three digits";
                return false;
            }

            reasonStart++;
            foreach (var b in line[reasonStart..])
            {
                if (!HttpSyntax.IsFieldValueChar(b))
                {
                    error = "the response's reason phrase has a control character";
                    return false;
                }
            }
        }

        status = new StatusLine(code, line[7] == (byte)'0', reasonStart, line.Length - reasonStart, line.Length + 2);
        error = null;
        return true;
    }

    private static bool TryParseField(ReadOnlySpan<byte> line, ref FramingFields fields, out string? error)
    {
        if (HttpSyntax.IsWhitespace(line[0]))
        {
            error = "the response head has a folded field line (obs-fold)";
            return false;
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            error = "the response head has a field line without a name and colon";
            return false;
        }

        var name = line[..colon];
        foreach (var b in name)
        {
            if (!HttpSyntax.IsTokenChar(b))
            {
                error = "the response head has a field name that is not a token (or whitespace before its colon)";
                return false;
            }
        }

        var value = TrimWhitespace(line[(colon + 1)..]);
        foreach (var b in value)
        {
            if (!HttpSyntax.IsFieldValueChar(b))
            {
                error = "the response head has a field value with a control character";
                return false;
            }
        }

        error = null;
        if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            return TryReadContentLength(value, ref fields, out error);
        }

        if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            if (fields.TransferEncoding)
            {
                error = "the response has two Transfer-Encoding fields";
                return false;
            }

            // Any other coding would reach the client still coded, with the field that says so removed as hop-by-hop.
            if (!Ascii.EqualsIgnoreCase(value, "chunked"u8))
            {
                error = "the response has a Transfer-Encoding other than chunked";
                return false;
            }

            fields.TransferEncoding = true;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
        {
            ReadConnection(value, ref fields);
        }

        return true;
    }

    private static bool TryReadContentLength(ReadOnlySpan<byte> value, ref FramingFields fields, out string? error)
    {
        if (fields.ContentLength >= 0)
        {
            error = "the response has two Content-Length fields";
            return false;
        }

        // At most 18 digits, so the value cannot overflow; a list ("5, 5") is refused like two fields.
        if (value.IsEmpty || value.Length > 18)
        {
            error = "the response's Content-Length is not a number of at most 18 digits";
            return false;
        }

        long length = 0;
        foreach (var b in value)
        {
            var digit = b - '0';
            if (digit is < 0 or > 9)
            {
                error = "the response's Content-Length is not a number of at most 18 digits";
                return false;
            }

            length = (length * 10) + digit;
        }

        fields.ContentLength = length;
        error = null;
        return true;
    }

    private static void ReadConnection(ReadOnlySpan<byte> value, ref FramingFields fields)
    {
        while (!value.IsEmpty)
        {
            var comma = value.IndexOf((byte)',');
            var option = TrimWhitespace(comma < 0 ? value : value[..comma]);
            if (Ascii.EqualsIgnoreCase(option, "close"u8))
            {
                fields.Close = true;
            }
            else if (Ascii.EqualsIgnoreCase(option, "keep-alive"u8))
            {
                fields.KeepAliveOption = true;
            }

            value = comma < 0 ? default : value[(comma + 1)..];
        }
    }

    private static HeadParseResult Finish(
        StatusLine status, FramingFields fields, int fieldCount, int length, bool requestWasHead, out ResponseHead head, out string? error)
    {
        head = default;
        var hasLength = fields.ContentLength >= 0;
        if (hasLength && fields.TransferEncoding)
        {
            error = "the response has both Content-Length and Transfer-Encoding";
            return HeadParseResult.Invalid;
        }

        // RFC 9110 §8.6, RFC 9112 §6.1: a 1xx or 204 has no content and must not say it has; bytes it sent anyway would be
        // read as the next response.
        if (status.Code < 200 && (hasLength || fields.TransferEncoding))
        {
            error = "an informational (1xx) response declares a body";
            return HeadParseResult.Invalid;
        }

        if (status.Code == 204 && (fields.TransferEncoding || fields.ContentLength > 0))
        {
            error = "a 204 response declares a body";
            return HeadParseResult.Invalid;
        }

        BodyFraming framing;
        if (requestWasHead || status.Code < 200 || status.Code is 204 or 304)
        {
            framing = BodyFraming.None;
        }
        else if (fields.TransferEncoding)
        {
            framing = BodyFraming.Chunked;
        }
        else
        {
            framing = hasLength ? BodyFraming.ContentLength : BodyFraming.CloseDelimited;
        }

        head = new ResponseHead
        {
            StatusCode = status.Code,
            IsHttp10 = status.IsHttp10,
            ReasonStart = status.ReasonStart,
            ReasonLength = status.ReasonLength,
            FieldsStart = status.Length,
            Length = length,
            FieldCount = fieldCount,
            Framing = framing,
            ContentLength = framing == BodyFraming.ContentLength ? fields.ContentLength : -1,
            KeepAlive = !fields.Close && (!status.IsHttp10 || fields.KeepAliveOption) && framing != BodyFraming.CloseDelimited,
        };
        error = null;
        return HeadParseResult.Complete;
    }

    internal static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length && HttpSyntax.IsWhitespace(value[start]))
        {
            start++;
        }

        var end = value.Length;
        while (end > start && HttpSyntax.IsWhitespace(value[end - 1]))
        {
            end--;
        }

        return value[start..end];
    }

    private readonly record struct StatusLine(int Code, bool IsHttp10, int ReasonStart, int ReasonLength, int Length);

    private struct FramingFields
    {
        public FramingFields()
        {
        }

        public long ContentLength = -1;
        public bool TransferEncoding;
        public bool Close;
        public bool KeepAliveOption;
    }
}
