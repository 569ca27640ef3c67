namespace Gateway.Proxy.Upstream;

/// <summary>
/// Decodes a chunked response body (RFC 9112 §7.1) strictly, one byte of framing at a time, so any split of the input
/// decodes alike: hexadecimal sizes that cannot overflow, extensions checked and skipped, CRLF after every chunk, and a
/// trailer section held to the head's rules (no obs-fold, token names, no control characters). It never reads past the
/// end of the body, so the connection's next response is left intact. Reusable per connection through
/// <see cref="Reset"/>; not thread-safe.
/// </summary>
internal sealed class ChunkedBodyDecoder(int maxLineLength = ChunkedBodyDecoder.DefaultMaxLineLength, int maxTrailerSize = ChunkedBodyDecoder.DefaultMaxTrailerSize)
{
    /// <summary>The longest chunk-size line accepted, extensions included.</summary>
    public const int DefaultMaxLineLength = 4096;

    /// <summary>The largest trailer section accepted.</summary>
    public const int DefaultMaxTrailerSize = 16 * 1024;

    private State _state;
    private long _remaining;
    private int _framingLength;

    private enum State
    {
        SizeStart,
        Size,
        SizeWhitespace,
        Extension,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerLineStart,
        TrailerName,
        TrailerValue,
        TrailerLf,
        EndLf,
        Done,
        Invalid,
    }

    /// <summary>Why the body was refused, once <see cref="Read"/> returned <see cref="ChunkedStatus.Invalid"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Starts a new body.</summary>
    public void Reset()
    {
        _state = State.SizeStart;
        _remaining = 0;
        _framingLength = 0;
        Error = null;
    }

    /// <summary>Reads framing from <paramref name="input"/> until body bytes are at hand, the input ends, or the body ends.</summary>
    /// <param name="input">Bytes that follow what earlier calls consumed.</param>
    /// <param name="consumed">How many bytes of the input this call used: framing, and the data it reports.</param>
    /// <param name="dataStart">Where the body bytes start in the input, for <see cref="ChunkedStatus.Data"/>.</param>
    /// <param name="dataLength">How many body bytes, for <see cref="ChunkedStatus.Data"/>.</param>
    public ChunkedStatus Read(ReadOnlySpan<byte> input, out int consumed, out int dataStart, out int dataLength)
    {
        dataStart = 0;
        dataLength = 0;
        consumed = 0;
        if (_state == State.Done)
        {
            return ChunkedStatus.Done;
        }

        for (var i = 0; i < input.Length;)
        {
            if (_state == State.Data)
            {
                var count = (int)Math.Min(_remaining, input.Length - i);
                _remaining -= count;
                if (_remaining == 0)
                {
                    _state = State.DataCr;
                }

                dataStart = i;
                dataLength = count;
                consumed = i + count;
                return ChunkedStatus.Data;
            }

            if (_state == State.Invalid)
            {
                return ChunkedStatus.Invalid;
            }

            var b = input[i++];
            if (!Step(b))
            {
                consumed = i;
                return ChunkedStatus.Invalid;
            }

            if (_state == State.Done)
            {
                consumed = i;
                return ChunkedStatus.Done;
            }
        }

        consumed = input.Length;
        return _state == State.Invalid ? ChunkedStatus.Invalid : ChunkedStatus.NeedMore;
    }

    private bool Step(byte b)
    {
        var inTrailer = _state >= State.TrailerLineStart;
        if (++_framingLength > (inTrailer ? maxTrailerSize : maxLineLength))
        {
            return Fail(inTrailer ? "the response's trailer section is larger than the limit" : "a chunk-size line is longer than the limit");
        }

        switch (_state)
        {
            case State.SizeStart:
                var first = HttpSyntax.HexValue(b);
                if (first < 0)
                {
                    return Fail("a chunk size is not hexadecimal");
                }

                _remaining = first;
                _state = State.Size;
                return true;
            case State.Size:
                var digit = HttpSyntax.HexValue(b);
                if (digit >= 0)
                {
                    if (_remaining > long.MaxValue >> 4)
                    {
                        return Fail("a chunk size is too large");
                    }

                    _remaining = (_remaining << 4) | (long)digit;
                    return true;
                }

                return AfterSize(b);
            case State.SizeWhitespace:
                return AfterSize(b);
            case State.Extension:
                if (b == (byte)'\r')
                {
                    _state = State.SizeLf;
                    return true;
                }

                return HttpSyntax.IsFieldValueChar(b) || Fail("a chunk extension has a control character");
            case State.SizeLf:
                if (b != (byte)'\n')
                {
                    return Fail("a chunk-size line does not end with CRLF");
                }

                _framingLength = 0;
                _state = _remaining == 0 ? State.TrailerLineStart : State.Data;
                return true;
            case State.DataCr:
                return Expect(b, (byte)'\r', State.DataLf, b == (byte)'\n' ? "a chunk does not end with CRLF" : "a chunk is longer than its size");
            case State.DataLf:
                _framingLength = 0;
                return Expect(b, (byte)'\n', State.SizeStart, "a chunk does not end with CRLF");
            case State.TrailerLineStart:
                if (b == (byte)'\r')
                {
                    _state = State.EndLf;
                    return true;
                }

                if (HttpSyntax.IsWhitespace(b))
                {
                    return Fail("the response's trailer section has a folded field line (obs-fold)");
                }

                return HttpSyntax.IsTokenChar(b) ? Move(State.TrailerName) : Fail("a trailer field name is not a token");
            case State.TrailerName:
                if (b == (byte)':')
                {
                    return Move(State.TrailerValue);
                }

                return HttpSyntax.IsTokenChar(b) || Fail("a trailer field name is not a token (or whitespace before its colon)");
            case State.TrailerValue:
                if (b == (byte)'\r')
                {
                    return Move(State.TrailerLf);
                }

                return HttpSyntax.IsFieldValueChar(b) || Fail("a trailer field value has a control character");
            case State.TrailerLf:
                return Expect(b, (byte)'\n', State.TrailerLineStart, "a trailer field line does not end with CRLF");
            case State.EndLf:
                return Expect(b, (byte)'\n', State.Done, "the response's trailer section does not end with CRLF");
            default:
                return Fail("the chunked body was read past its end");
        }
    }

    private bool AfterSize(byte b)
    {
        switch (b)
        {
            case (byte)';':
                return Move(State.Extension);
            case (byte)' ' or (byte)'\t':
                // BWS is allowed only before an extension's ';'.
                return Move(State.SizeWhitespace);
            case (byte)'\r' when _state == State.Size:
                return Move(State.SizeLf);
            case (byte)'\n':
                return Fail("a chunk-size line does not end with CRLF");
            default:
                return Fail(_state == State.Size ? "a chunk size is not hexadecimal" : "whitespace after a chunk size is not followed by an extension");
        }
    }

    private bool Expect(byte b, byte expected, State next, string error) => b == expected ? Move(next) : Fail(error);

    private bool Move(State next)
    {
        _state = next;
        return true;
    }

    private bool Fail(string error)
    {
        Error = error;
        _state = State.Invalid;
        return false;
    }
}
