using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace Gateway.Inference;

/// <summary>
/// Finds the top-level <c>model</c> of a JSON request body with <see cref="Utf8JsonReader"/>, without building a document:
/// the values of other properties are skipped token by token, whatever they nest. It stops at the model unless the rest
/// of the body may name <c>model</c> again; then it reads the whole top level, and a second <c>model</c> is refused
/// rather than forwarded to a backend that may read the other one. JSON errors before the model (or anywhere, when the
/// rest is read) are refused; errors after it are otherwise left to the backend. A UTF-8 byte order mark is accepted.
/// Allocates nothing but the name, and not even that for a name in <c>knownNames</c>.
/// </summary>
internal static class ModelNameReader
{
    /// <summary>Longest model name accepted, in bytes; real names are far shorter, and the name travels in a header.</summary>
    public const int MaxNameLength = 256;

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> ModelProperty => "model"u8;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = 256 };

    /// <summary>Reads <paramref name="body"/>; on <see cref="ModelReadStatus.Found"/>, <paramref name="model"/> and <paramref name="token"/> are set.</summary>
    /// <param name="detail">For <see cref="ModelReadStatus.Malformed"/> and <see cref="ModelReadStatus.NotAString"/>, what the reader saw.</param>
    public static ModelReadStatus Read(ReadOnlySpan<byte> body, FrozenSet<string>? knownNames, out string? model, out ModelToken token, out string? detail)
    {
        model = null;
        token = default;
        detail = null;
        var offset = body.StartsWith(Bom) ? Bom.Length : 0;
        if (body[offset..].IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            detail = "the body is empty";
            return ModelReadStatus.Malformed;
        }

        var reader = new Utf8JsonReader(body[offset..], Options);
        var found = false;
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                detail = TokenName(reader.TokenType);
                return ModelReadStatus.NotAnObject;
            }

            // Top-level loop: each step is a property name, then its value; nested values are skipped whole.
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals(ModelProperty);
                reader.Read();
                if (isModel)
                {
                    if (found)
                    {
                        model = null;
                        return ModelReadStatus.Duplicate;
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        detail = TokenName(reader.TokenType);
                        return ModelReadStatus.NotAString;
                    }

                    found = true;
                    token = new ModelToken(offset + (int)reader.TokenStartIndex, reader.ValueSpan.Length + 2);
                    if (!TryGetName(ref reader, knownNames, out model))
                    {
                        return ModelReadStatus.InvalidName;
                    }

                    if (!MayNameModelAgain(body[(token.Start + token.Length)..]))
                    {
                        return ModelReadStatus.Found;
                    }
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }

            // Past the closing brace: anything but white space is an error the reader reports here.
            reader.Read();
        }
        catch (JsonException exception)
        {
            model = null;
            detail = exception.Message;
            return ModelReadStatus.Malformed;
        }

        return found ? ModelReadStatus.Found : ModelReadStatus.Missing;
    }

    /// <summary>
    /// Whether the bytes after the model could hold another <c>model</c> key: only if they contain <c>"model"</c> (as a
    /// key, or as a value such as a role), or a <c>\u</c> escape of one of its letters. Most bodies contain neither, and
    /// then the reader stops at the model instead of reading the rest: a vectorised search costs far less than parsing.
    /// </summary>
    private static bool MayNameModelAgain(ReadOnlySpan<byte> rest) =>
        rest.IndexOf("\"model\""u8) >= 0 || rest.IndexOf("\\u006"u8) >= 0 || rest.IndexOf("\\u0064"u8) >= 0;

    /// <summary>The name as a string, when it is 1 to <see cref="MaxNameLength"/> visible ASCII characters.</summary>
    private static bool TryGetName(ref Utf8JsonReader reader, FrozenSet<string>? knownNames, out string? name)
    {
        name = null;
        scoped var bytes = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            // An escape is never shorter than what it stands for, so a raw value within 6 times the bound may fit.
            if (bytes.Length > MaxNameLength * 6)
            {
                return false;
            }

            Span<byte> unescaped = stackalloc byte[MaxNameLength * 6];
            bytes = unescaped[..reader.CopyString(unescaped)];
        }

        if (bytes.IsEmpty || bytes.Length > MaxNameLength || bytes.ContainsAnyExceptInRange((byte)'!', (byte)'~'))
        {
            return false;
        }

        Span<char> chars = stackalloc char[bytes.Length];
        Ascii.ToUtf16(bytes, chars, out _);
        if (knownNames is not null && knownNames.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var known))
        {
            name = known;
            return true;
        }

        name = new string(chars);
        return true;
    }

    private static string TokenName(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "a string",
    };
}
