using System.Buffers;
using System.Text.Json;

namespace Gateway.Inference;

/// <summary>
/// Finds the top-level <c>usage</c> object of a JSON document fed to it in pieces of any size, as they pass, or the
/// <c>usage</c> of its top-level <c>response</c> object (where the Responses API's stream events carry it, as in
/// <c>{"type":"response.completed","response":{...,"usage":{...}}}</c>): it tracks only nesting, strings and the keys of
/// those two objects, and copies the <c>usage</c> value alone (it is small) to read it with <see cref="Utf8JsonReader"/>.
/// Memory stays constant however large the document; a document that is not an object, or whose <c>usage</c> is not an
/// object of counts, yields none. The last <c>usage</c> wins.
/// </summary>
internal sealed class JsonUsageScanner
{
    /// <summary>A <c>usage</c> value longer than this is not a usage report and is ignored.</summary>
    public const int MaxUsageLength = 2048;

    // The longest key of interest with its closing quote: response".
    private const int MaxKeyLength = 9;

    private static readonly SearchValues<byte> Structural = SearchValues.Create("\"{}[],:"u8);
    private static readonly SearchValues<byte> StringEnd = SearchValues.Create("\"\\"u8);

    private readonly byte[] _key = new byte[MaxKeyLength];
    // Rented while a usage value is being copied, so a scanner that meets none (or whose usage is read) holds nothing.
    private byte[]? _usage;
    private int _keyLength;
    private int _usageLength;
    private int _depth;
    private int _captureDepth;
    private bool _started;
    private bool _invalid;
    private bool _inString;
    private bool _escaped;
    private bool _inKey;
    private bool _expectKey;
    private bool _keyIsUsage;
    private bool _valueIsUsage;
    private bool _keyIsResponse;
    private bool _valueIsResponse;
    private bool _inResponse;
    private bool _capturing;
    private bool _captureInString;
    private bool _captureEscaped;
    private bool _hasUsage;
    private TokenUsage _result;

    /// <summary>Whether a <c>usage</c> object with token counts was seen.</summary>
    public bool TryGetUsage(out TokenUsage usage)
    {
        usage = _result;
        return _hasUsage;
    }

    /// <summary>Starts over, for the next document.</summary>
    public void Reset()
    {
        _keyLength = _usageLength = _depth = _captureDepth = 0;
        _started = _invalid = _inString = _escaped = _inKey = _expectKey = _keyIsUsage = _valueIsUsage = false;
        _keyIsResponse = _valueIsResponse = _inResponse = false;
        _capturing = _captureInString = _captureEscaped = _hasUsage = false;
        _result = default;
        ReturnUsageBuffer();
    }

    public void Feed(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length && !_invalid)
        {
            if (!_started)
            {
                var first = data[i++];
                if (first is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    continue;
                }

                _invalid = first != (byte)'{';
                _started = _expectKey = true;
                _depth = 1;
                continue;
            }

            if (_depth == 0)
            {
                return;
            }

            if (_capturing)
            {
                i += Capture(data[i..]);
                continue;
            }

            var rest = data[i..];
            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                    AppendKey(rest[..1]);
                    i++;
                    continue;
                }

                var end = rest.IndexOfAny(StringEnd);
                if (end < 0)
                {
                    AppendKey(rest);
                    return;
                }

                AppendKey(rest[..(end + 1)]);
                i += end + 1;
                if (rest[end] == (byte)'\\')
                {
                    _escaped = true;
                    continue;
                }

                _inString = false;
                if (_inKey)
                {
                    _inKey = false;
                    _keyIsUsage = _keyLength == 6 && _key.AsSpan(0, 6).SequenceEqual("usage\""u8);
                    _keyIsResponse = _keyLength == 9 && _key.AsSpan(0, 9).SequenceEqual("response\""u8);
                }

                continue;
            }

            var next = rest.IndexOfAny(Structural);
            if (next < 0)
            {
                return;
            }

            i += next + 1;
            Structure(rest[next]);
        }
    }

    /// <summary>Whether keys at the current depth are read: those of the document and of its top-level <c>response</c>.</summary>
    private bool AtKeyLevel => _depth == 1 || (_depth == 2 && _inResponse);

    private void Structure(byte b)
    {
        switch (b)
        {
            case (byte)'"':
                _inString = true;
                _inKey = _expectKey && AtKeyLevel;
                _keyLength = 0;
                break;
            case (byte)'{' when _valueIsUsage && AtKeyLevel:
                _valueIsUsage = false;
                _capturing = true;
                _captureDepth = 1;
                _usage ??= ArrayPool<byte>.Shared.Rent(MaxUsageLength);
                _usage[0] = b;
                _usageLength = 1;
                break;
            case (byte)'{' when _valueIsResponse && _depth == 1:
                _valueIsResponse = false;
                _inResponse = _expectKey = true;
                _depth = 2;
                break;
            case (byte)'{' or (byte)'[':
                _depth++;
                break;
            case (byte)'}' or (byte)']':
                if (--_depth == 1)
                {
                    _inResponse = false;
                }

                break;
            case (byte)',' when AtKeyLevel:
                _expectKey = true;
                _valueIsUsage = _valueIsResponse = false;
                break;
            case (byte)':' when AtKeyLevel:
                _expectKey = false;
                _valueIsUsage = _keyIsUsage;
                _valueIsResponse = _keyIsResponse && _depth == 1;
                _keyIsUsage = _keyIsResponse = false;
                break;
        }
    }

    // Key bytes past the longest key of interest only count, so a long key is never mistaken for a short one.
    private void AppendKey(ReadOnlySpan<byte> bytes)
    {
        if (!_inKey)
        {
            return;
        }

        var room = MaxKeyLength - _keyLength;
        if (room > 0)
        {
            bytes[..Math.Min(room, bytes.Length)].CopyTo(_key.AsSpan(_keyLength));
        }

        _keyLength += bytes.Length;
    }

    /// <summary>Copies the usage value until it closes; returns the bytes consumed.</summary>
    private int Capture(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if (_usageLength < MaxUsageLength)
            {
                _usage![_usageLength] = b;
            }

            _usageLength++;
            if (_captureInString)
            {
                if (_captureEscaped)
                {
                    _captureEscaped = false;
                }
                else if (b == (byte)'\\')
                {
                    _captureEscaped = true;
                }
                else if (b == (byte)'"')
                {
                    _captureInString = false;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    _captureInString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    _captureDepth++;
                    break;
                case (byte)'}' or (byte)']':
                    if (--_captureDepth == 0)
                    {
                        _capturing = false;
                        if (_usageLength <= MaxUsageLength)
                        {
                            Read(_usage.AsSpan(0, _usageLength));
                        }

                        ReturnUsageBuffer();
                        return i + 1;
                    }

                    break;
            }
        }

        return data.Length;
    }

    private void ReturnUsageBuffer()
    {
        if (_usage is not null)
        {
            ArrayPool<byte>.Shared.Return(_usage);
            _usage = null;
        }
    }

    /// <summary>Reads the counts: OpenAI's names, and the Responses API's <c>input_tokens</c>/<c>output_tokens</c>.</summary>
    private void Read(ReadOnlySpan<byte> json)
    {
        long? prompt = null, completion = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPrompt = reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8);
                var isCompletion = !isPrompt && (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8));
                reader.Read();
                if ((isPrompt || isCompletion) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var count) && count >= 0)
                {
                    if (isPrompt)
                    {
                        prompt = count;
                    }
                    else
                    {
                        completion = count;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return;
        }

        if (prompt is not null || completion is not null)
        {
            _result = new TokenUsage(prompt ?? 0, completion ?? 0);
            _hasUsage = true;
        }
    }
}
