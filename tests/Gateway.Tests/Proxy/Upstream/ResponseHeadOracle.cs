using System.Text;
using System.Text.RegularExpressions;
using Gateway.Proxy.Upstream;

namespace Gateway.Tests.Proxy.Upstream;

/// <summary>
/// An independent judge of response heads for the fuzz test, written from RFC 9110/9112's grammar in another way than
/// <see cref="ResponseHeadParser"/>: split into lines, then regular expressions, then the framing rules.
/// </summary>
internal static partial class ResponseHeadOracle
{
    public static HeadVerdict Judge(byte[] input, bool requestWasHead, int maxHeadSize, int maxFieldCount)
    {
        var text = Encoding.Latin1.GetString(input);
        var window = text.Length > maxHeadSize ? text[..maxHeadSize] : text;
        var end = window.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = (end >= 0 ? window[..(end + 2)] : window).Split("\r\n");
        var completeLines = lines.Length - 1;
        if (completeLines > maxFieldCount + 1)
        {
            return HeadVerdict.Invalid;
        }

        var contentLengths = new List<string>();
        var transferEncodings = new List<string>();
        var close = false;
        var keepAliveOption = false;
        var status = 0;
        var http10 = false;
        for (var i = 0; i < completeLines; i++)
        {
            var line = lines[i];
            if (line.Contains('\r') || line.Contains('\n'))
            {
                return HeadVerdict.Invalid;
            }

            if (i == 0)
            {
                var statusLine = StatusLine().Match(line);
                if (!statusLine.Success)
                {
                    return HeadVerdict.Invalid;
                }

                http10 = statusLine.Groups[1].Value == "0";
                status = int.Parse(statusLine.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (status is < 100 or > 599)
                {
                    return HeadVerdict.Invalid;
                }

                continue;
            }

            var field = FieldLine().Match(line);
            if (!field.Success || ControlCharacter().IsMatch(field.Groups[2].Value))
            {
                return HeadVerdict.Invalid;
            }

            var name = field.Groups[1].Value;
            var value = field.Groups[2].Value;
            // A field that is wrong by itself refuses the head at once, before the head is complete.
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLengths.Add(value);
                if (contentLengths.Count > 1 || !Digits().IsMatch(value))
                {
                    return HeadVerdict.Invalid;
                }
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferEncodings.Add(value);
                if (transferEncodings.Count > 1 || !value.Equals("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    return HeadVerdict.Invalid;
                }
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var option in value.Split(','))
                {
                    close |= option.Trim(' ', '\t').Equals("close", StringComparison.OrdinalIgnoreCase);
                    keepAliveOption |= option.Trim(' ', '\t').Equals("keep-alive", StringComparison.OrdinalIgnoreCase);
                }
            }
        }

        if (end < 0)
        {
            return lines[^1].Contains('\n') || text.Length >= maxHeadSize ? HeadVerdict.Invalid : HeadVerdict.Incomplete;
        }

        if (contentLengths.Count == 1 && transferEncodings.Count == 1)
        {
            return HeadVerdict.Invalid;
        }

        var length = contentLengths.Count == 1 ? long.Parse(contentLengths[0], System.Globalization.CultureInfo.InvariantCulture) : -1;
        if ((status < 200 && (length >= 0 || transferEncodings.Count > 0)) || (status == 204 && (transferEncodings.Count > 0 || length > 0)))
        {
            return HeadVerdict.Invalid;
        }

        var framing = requestWasHead || status < 200 || status == 204 || status == 304 ? BodyFraming.None
            : transferEncodings.Count > 0 ? BodyFraming.Chunked
            : length >= 0 ? BodyFraming.ContentLength
            : BodyFraming.CloseDelimited;
        var keepAlive = !close && (!http10 || keepAliveOption) && framing != BodyFraming.CloseDelimited;
        return new HeadVerdict(HeadParseResult.Complete, status, framing, framing == BodyFraming.ContentLength ? length : -1, keepAlive, end + 4);
    }

    [GeneratedRegex(@"^HTTP/1\.([01]) ([0-9]{3})(?: [\t\x20-\x7E\x80-\xFF]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[\t ]*(.*?)[\t ]*$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"[\x00-\x08\x0A-\x1F\x7F]", RegexOptions.CultureInvariant)]
    private static partial Regex ControlCharacter();

    [GeneratedRegex(@"^[0-9]{1,18}$", RegexOptions.CultureInvariant)]
    private static partial Regex Digits();
}
