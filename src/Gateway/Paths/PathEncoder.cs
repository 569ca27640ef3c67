using System.Buffers;
using System.Text;

namespace Gateway.Paths;

/// <summary>
/// Writes a path as <see cref="PathNormalizer"/> decodes it back in raw form for the backend: escapes it kept stay as
/// they are, everything else is escaped as YARP escapes a path. YARP alone would escape the '%' of a kept escape again
/// (<c>/caf%E9</c> would leave as <c>/caf%25E9</c>).
/// </summary>
internal static class PathEncoder
{
    private const string UpperHex = "0123456789ABCDEF";

    // RFC 3986 pchar and '/': the characters YARP leaves unescaped in a path.
    private static readonly SearchValues<char> Unescaped = SearchValues.Create(
        "!$&'()*+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

    public static string Encode(string path)
    {
        if (path.AsSpan().IndexOfAnyExcept(Unescaped) < 0)
        {
            return path;
        }

        var length = 0;
        for (var i = 0; i < path.Length;)
        {
            length += Step(path, ref i, []);
        }

        return string.Create(length, path, static (output, path) =>
        {
            var written = 0;
            for (var i = 0; i < path.Length;)
            {
                written += Step(path, ref i, output[written..]);
            }
        });
    }

    /// <summary>
    /// Encodes what starts at <paramref name="i"/> (a run of unescaped characters, an escape, or one character to escape)
    /// into <paramref name="output"/> when it is not empty, and returns how many characters that takes.
    /// </summary>
    private static int Step(string path, ref int i, Span<char> output)
    {
        var rest = path.AsSpan(i);
        var run = rest.IndexOfAnyExcept(Unescaped);
        if (run != 0)
        {
            run = run < 0 ? rest.Length : run;
            if (!output.IsEmpty)
            {
                rest[..run].CopyTo(output);
            }

            i += run;
            return run;
        }

        if (rest[0] == '%' && rest.Length > 2 && char.IsAsciiHexDigit(rest[1]) && char.IsAsciiHexDigit(rest[2]))
        {
            if (!output.IsEmpty)
            {
                output[0] = '%';
                output[1] = char.ToUpperInvariant(rest[1]);
                output[2] = char.ToUpperInvariant(rest[2]);
            }

            i += 3;
            return 3;
        }

        return Escape(path, ref i, output);
    }

    // Apart from Step so that runs and escapes do not pay for the stack buffer.
    private static int Escape(string path, ref int i, Span<char> output)
    {
        // A lone surrogate becomes U+FFFD, as UTF-8 encoders write it.
        Rune.DecodeFromUtf16(path.AsSpan(i), out var rune, out var consumed);
        i += consumed;
        Span<byte> bytes = stackalloc byte[4];
        var count = rune.EncodeToUtf8(bytes);
        if (!output.IsEmpty)
        {
            for (var b = 0; b < count; b++)
            {
                output[3 * b] = '%';
                output[(3 * b) + 1] = UpperHex[bytes[b] >> 4];
                output[(3 * b) + 2] = UpperHex[bytes[b] & 0xF];
            }
        }

        return 3 * count;
    }
}
