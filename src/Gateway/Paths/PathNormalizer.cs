using System.Buffers;
using System.Text;
using Gateway.Model;

namespace Gateway.Paths;

/// <summary>
/// Brings a request path, as the client wrote it, to the one form the gateway matches and forwards: repeated slashes
/// merged, dot segments resolved (RFC 3986 section 5.2.4, after decoding, so <c>%2E</c> counts), escapes of unreserved
/// characters decoded, the hex of the other escapes upper-cased. The result is decoded as <c>HttpRequest.Path</c> holds
/// paths, except that escapes a raw path could also hold unescaped (reserved characters, <c>%</c>) and bytes that are not
/// UTF-8 stay escaped, so <see cref="PathEncoder"/> gives back exactly the normalised raw form.
/// </summary>
internal static class PathNormalizer
{
    private const string UpperHex = "0123456789ABCDEF";

    // Printable ASCII other than '%', ';' and '\': a path made of these alone, without "//" or "/.", is already normal.
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        "!\"#$&'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    // Escaped ASCII that stays escaped: what a path may also hold raw with another meaning (reserved characters,
    // separators), and '%' itself, so that a '%' in the decoded path always starts an escape.
    private static readonly SearchValues<char> KeptEscaped = SearchValues.Create("!$&'()*+,/:;=@%\\");

    /// <summary>The path part of a request target (origin or absolute form); empty for the asterisk and authority forms.</summary>
    public static ReadOnlySpan<char> PathOf(ReadOnlySpan<char> target)
    {
        if (!target.StartsWith("/"))
        {
            var scheme = target.IndexOf("://");
            if (scheme < 0)
            {
                return [];
            }

            var afterAuthority = target[(scheme + 3)..];
            var pathStart = afterAuthority.IndexOfAny('/', '?');
            if (pathStart < 0 || afterAuthority[pathStart] != '/')
            {
                return [];
            }

            target = afterAuthority[pathStart..];
        }

        var query = target.IndexOf('?');
        return query < 0 ? target : target[..query];
    }

    /// <param name="path">The raw path, starting with '/'.</param>
    /// <param name="mergeSlashes">Whether empty segments are dropped (<c>/a//b</c> is <c>/a/b</c>).</param>
    public static PathNormalization Normalize(ReadOnlySpan<char> path, bool mergeSlashes)
    {
        if (path.IndexOfAnyExcept(Plain) < 0 && !path.Contains("//", StringComparison.Ordinal) && !path.Contains("/.", StringComparison.Ordinal))
        {
            return PathNormalization.Unchanged;
        }

        // The normalised path is never longer than the raw one: decoding and merging only shorten it.
        char[]? rented = null;
        var output = path.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(path.Length));
        try
        {
            return Normalize(path, mergeSlashes, output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static PathNormalization Normalize(ReadOnlySpan<char> path, bool mergeSlashes, Span<char> output)
    {
        var length = 0;
        var forms = PathForms.None;
        var rest = path[1..];
        while (true)
        {
            var end = rest.IndexOf('/');
            var last = end < 0;
            var segment = last ? rest : rest[..end];
            if (!segment.IsEmpty || last || !mergeSlashes)
            {
                output[length++] = '/';
                var start = length;
                if (Decode(segment, output, ref length, ref forms) is { } refusal)
                {
                    return PathNormalization.Refused(refusal);
                }

                var written = output[start..length];
                if (written is "." or "..")
                {
                    // '/' is never decoded, so every '/' written is a separator and the previous segment starts after the last one.
                    length = start - 1;
                    if (written.Length == 2)
                    {
                        if (length == 0)
                        {
                            return PathNormalization.Refused(PathRefusal.AboveRoot);
                        }

                        length = output[..length].LastIndexOf('/');
                    }

                    if (last)
                    {
                        output[length++] = '/';
                    }
                }
                else if (IsDotWithParameters(written))
                {
                    return PathNormalization.Refused(PathRefusal.DotSegmentWithParameters);
                }
            }

            if (last)
            {
                break;
            }

            rest = rest[(end + 1)..];
        }

        return PathNormalization.Normalized(new string(output[..length]), forms);
    }

    private static PathRefusal? Decode(ReadOnlySpan<char> segment, Span<char> output, ref int length, ref PathForms forms)
    {
        var i = 0;
        while (i < segment.Length)
        {
            var c = segment[i];
            if (c != '%')
            {
                if (c == '\\')
                {
                    return PathRefusal.Backslash;
                }

                if (char.IsControl(c))
                {
                    return PathRefusal.ControlCharacter;
                }

                if (c == ';')
                {
                    forms |= PathForms.Parameters;
                }

                output[length++] = c;
                i++;
                continue;
            }

            if (!TryReadEscape(segment, i, out var value))
            {
                return PathRefusal.MalformedEscape;
            }

            if (value >= 0x80)
            {
                if (DecodeUtf8(segment, ref i, output, ref length) is { } refusal)
                {
                    return refusal;
                }

                continue;
            }

            var decoded = (char)value;
            if (char.IsControl(decoded))
            {
                return PathRefusal.ControlCharacter;
            }

            if (char.IsAsciiLetterOrDigit(decoded) || decoded is '-' or '.' or '_' or '~')
            {
                output[length++] = decoded;
            }
            else if (KeptEscaped.Contains(decoded))
            {
                forms |= decoded switch
                {
                    '/' or '\\' => PathForms.EncodedSlashes,
                    ';' => PathForms.Parameters,
                    _ => PathForms.None,
                };
                WriteEscape(value, output, ref length);
            }
            else
            {
                // A character a raw path cannot hold (space, '"', '<', ...): decoded here, escaped again on the way out.
                output[length++] = decoded;
            }

            i += 3;
        }

        return null;
    }

    /// <summary>
    /// Decodes the escapes from <paramref name="i"/> that form one UTF-8 character, or keeps the first byte escaped when
    /// they do not (<c>/caf%E9</c>, Latin-1, reaches the backend as sent). Null when done, else why the path is refused.
    /// </summary>
    private static PathRefusal? DecodeUtf8(ReadOnlySpan<char> segment, ref int i, Span<char> output, ref int length)
    {
        Span<byte> bytes = stackalloc byte[4];
        var count = 0;
        while (count < 4 && TryReadEscape(segment, i + (3 * count), out var value) && value >= 0x80)
        {
            bytes[count++] = value;
        }

        if (Rune.DecodeFromUtf8(bytes[..count], out var rune, out var consumed) == OperationStatus.Done)
        {
            if (Rune.IsControl(rune))
            {
                return PathRefusal.ControlCharacter;
            }

            length += rune.EncodeToUtf16(output[length..]);
            i += 3 * consumed;
            return null;
        }

        if (IsOverlong(bytes[..count]))
        {
            return PathRefusal.OverlongUtf8;
        }

        WriteEscape(bytes[0], output, ref length);
        i += 3;
        return null;
    }

    /// <summary>A too-long encoding of a shorter character (<c>%C0%AE</c> is '.' to a lenient decoder): never text, only a disguise.</summary>
    private static bool IsOverlong(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 2 && bytes[0] switch
        {
            0xC0 or 0xC1 => bytes[1] is >= 0x80 and <= 0xBF,
            0xE0 => bytes[1] is >= 0x80 and <= 0x9F,
            0xF0 => bytes[1] is >= 0x80 and <= 0x8F,
            _ => false,
        };

    private static bool TryReadEscape(ReadOnlySpan<char> segment, int i, out byte value)
    {
        value = 0;
        if (i + 2 >= segment.Length || segment[i] != '%' || !char.IsAsciiHexDigit(segment[i + 1]) || !char.IsAsciiHexDigit(segment[i + 2]))
        {
            return false;
        }

        value = (byte)((HexValue(segment[i + 1]) << 4) | HexValue(segment[i + 2]));
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static void WriteEscape(byte value, Span<char> output, ref int length)
    {
        output[length++] = '%';
        output[length++] = UpperHex[value >> 4];
        output[length++] = UpperHex[value & 0xF];
    }

    /// <summary><c>..;x</c> or <c>.%3B</c>: a server that drops parameters reads a dot segment the gateway did not resolve.</summary>
    private static bool IsDotWithParameters(ReadOnlySpan<char> segment)
    {
        var semicolon = segment.IndexOf(';');
        var escaped = segment.IndexOf("%3B", StringComparison.Ordinal);
        var parameters = semicolon < 0 ? escaped : escaped < 0 ? semicolon : Math.Min(semicolon, escaped);
        return parameters >= 0 && segment[..parameters] is "." or "..";
    }
}
