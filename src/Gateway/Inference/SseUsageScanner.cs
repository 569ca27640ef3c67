using System.Buffers;

namespace Gateway.Inference;

/// <summary>
/// Finds the <c>usage</c> of a Server-Sent Events stream fed to it in pieces of any size: the data of each event goes
/// through a <see cref="JsonUsageScanner"/>, and the last event that carried a usage object wins (OpenAI-compatible
/// servers send it in the last event before <c>data: [DONE]</c> when asked with <c>stream_options.include_usage</c>;
/// the Responses API in its <c>response.completed</c> event, inside the <c>response</c> object). Lines of other fields
/// (<c>event:</c>, <c>id:</c>, comments) are skipped; memory stays constant however long the stream.
/// </summary>
internal sealed class SseUsageScanner
{
    private static readonly SearchValues<byte> LineEnd = SearchValues.Create("\r\n"u8);

    private readonly JsonUsageScanner _event = new();
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
                            _event.Feed(rest);
                        }

                        return;
                    }

                    if (_state == LineState.Data)
                    {
                        _event.Feed(rest[..end]);
                    }

                    i += end;
                    EndLine(data[i]);
                    i++;
                    break;
            }
        }
    }

    /// <summary>The stream ended: an event not closed by a blank line still counts.</summary>
    public void Complete() => EndEvent();

    private void EndLine(byte end)
    {
        // Data lines of one event join with a line feed, which keeps their JSON tokens apart.
        if (_state == LineState.Data)
        {
            _event.Feed("\n"u8);
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

        if (_event.TryGetUsage(out var usage))
        {
            _usage = usage;
            _hasUsage = true;
        }

        _event.Reset();
        _eventHasData = false;
    }
}
