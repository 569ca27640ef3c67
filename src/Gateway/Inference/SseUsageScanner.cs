using System.Buffers;

namespace Gateway.Inference;

/// <summary>
/// Finds the <c>usage</c> of a Server-Sent Events stream fed to it in pieces of any size: the data of each event that
/// names a <c>"usage"</c> key goes through a <see cref="JsonUsageScanner"/>, and the last event that carried a usage
/// object wins (OpenAI-compatible servers send it in the last event before <c>data: [DONE]</c> when asked with
/// <c>stream_options.include_usage</c>; the Responses API in its <c>response.completed</c> event, inside the
/// <c>response</c> object). Lines of other fields (<c>event:</c>, <c>id:</c>, comments) are skipped; memory stays
/// constant however long the stream.
/// </summary>
/// <remarks>
/// Reading every token event as JSON tripled the CPU time of streaming through the gateway (bench/results/streaming.md).
/// An event's data is therefore kept, up to <see cref="EventBufferSize"/> bytes, and read only when it contains the key;
/// a longer event is read as it passes.
/// </remarks>
internal sealed class SseUsageScanner
{
    /// <summary>The longest event data kept whole; token events are a few hundred bytes.</summary>
    public const int EventBufferSize = 4096;

    private static readonly SearchValues<byte> LineEnd = SearchValues.Create("\r\n"u8);

    private readonly JsonUsageScanner _event = new();
    // Rented at the first data and returned by Complete, so a finished stream holds nothing.
    private byte[]? _data;
    private int _dataLength;
    private bool _readingAsItPasses;
    private LineState _state;
    private int _prefixMatched;
    private bool _afterCr;
    private bool _eventHasData;
    private bool _hasUsage;
    private TokenUsage _usage;

    private enum LineState
    {
        Start,
        Prefix,
        Data,
        Other,
    }

    public bool TryGetUsage(out TokenUsage usage)
    {
        usage = _usage;
        return _hasUsage;
    }

    public void Feed(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            var b = data[i];
            if (_afterCr)
            {
                _afterCr = false;
                if (b == (byte)'\n')
                {
                    i++;
                    continue;
                }
            }

            switch (_state)
            {
                case LineState.Start when b is (byte)'\r' or (byte)'\n':
                    EndEvent();
                    _afterCr = b == (byte)'\r';
                    i++;
                    break;
                case LineState.Start:
                    _state = LineState.Prefix;
                    _prefixMatched = 0;
                    break;
                case LineState.Prefix when b is (byte)'\r' or (byte)'\n':
                    EndLine(b);
                    i++;
                    break;
                case LineState.Prefix:
                    if (b != "data:"u8[_prefixMatched])
                    {
                        _state = LineState.Other;
                        break;
                    }

                    i++;
                    if (++_prefixMatched == 5)
                    {
                        _state = LineState.Data;
                        _eventHasData = true;
                    }

                    break;
                default:
                    var rest = data[i..];
                    var end = rest.IndexOfAny(LineEnd);
                    if (end < 0)
                    {
                        if (_state == LineState.Data)
                        {
                            FeedData(rest);
                        }

                        return;
                    }

                    if (_state == LineState.Data)
                    {
                        FeedData(rest[..end]);
                    }

                    i += end;
                    EndLine(data[i]);
                    i++;
                    break;
            }
        }
    }

    /// <summary>The stream ended: an event not closed by a blank line still counts.</summary>
    public void Complete()
    {
        EndEvent();
        if (_data is not null)
        {
            ArrayPool<byte>.Shared.Return(_data);
            _data = null;
        }
    }

    private void FeedData(ReadOnlySpan<byte> bytes)
    {
        if (_readingAsItPasses)
        {
            _event.Feed(bytes);
            return;
        }

        if (_dataLength + bytes.Length > EventBufferSize)
        {
            _readingAsItPasses = true;
            _event.Feed(_data.AsSpan(0, _dataLength));
            _event.Feed(bytes);
            _dataLength = 0;
            return;
        }

        _data ??= ArrayPool<byte>.Shared.Rent(EventBufferSize);
        bytes.CopyTo(_data.AsSpan(_dataLength));
        _dataLength += bytes.Length;
    }

    private void EndLine(byte end)
    {
        // Data lines of one event join with a line feed, which keeps their JSON tokens apart.
        if (_state == LineState.Data)
        {
            FeedData("\n"u8);
        }

        _state = LineState.Start;
        _afterCr = end == (byte)'\r';
    }

    private void EndEvent()
    {
        if (!_eventHasData)
        {
            return;
        }

        // The scanner knows a key only by its bytes, so an event without these bytes cannot carry a usage it would read.
        if (!_readingAsItPasses && _data.AsSpan(0, _dataLength).IndexOf("\"usage\""u8) >= 0)
        {
            _event.Feed(_data.AsSpan(0, _dataLength));
        }

        if (_event.TryGetUsage(out var usage))
        {
            _usage = usage;
            _hasUsage = true;
        }

        _event.Reset();
        _eventHasData = false;
        _readingAsItPasses = false;
        _dataLength = 0;
    }
}
