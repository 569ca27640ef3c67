using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Gateway.Inference;

/// <summary>
/// What the response of an inference request reported about tokens, read from its bytes as they pass to the client
/// (see <see cref="UsageObservingStream"/>): a JSON body's <c>usage</c>, or the last event carrying one in a stream of
/// Server-Sent Events. Also when its first byte left, for time to first token. A request feature, which the access log
/// reads.
/// </summary>
internal sealed class ResponseUsage(HttpResponse response)
{
    private JsonUsageScanner? _json;
    private SseUsageScanner? _sse;
    private bool _decided;

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the first body byte was written; 0 before.</summary>
    public long FirstByteTimestamp { get; private set; }

    /// <summary>Whether the response is a stream of events (its time per output token means something).</summary>
    public bool Streamed => _sse is not null;

    public void Observe(ReadOnlySpan<byte> bytes)
    {
        if (!_decided)
        {
            Decide();
        }

        if (_sse is not null)
        {
            _sse.Feed(bytes);
        }
        else
        {
            _json?.Feed(bytes);
        }
    }

    /// <summary>Marks the first byte's time; called just before it is written.</summary>
    public void MarkFirstByte()
    {
        if (FirstByteTimestamp == 0)
        {
            FirstByteTimestamp = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The usage the response reported, once it has ended.</summary>
    public bool TryGetUsage(out TokenUsage usage)
    {
        if (_sse is not null)
        {
            _sse.Complete();
            return _sse.TryGetUsage(out usage);
        }

        if (_json is not null)
        {
            return _json.TryGetUsage(out usage);
        }

        usage = default;
        return false;
    }

    // The headers are final once the body starts. A compressed body cannot be read as it passes, so it reports nothing.
    private void Decide()
    {
        _decided = true;
        if (response.Headers.ContentEncoding is { Count: > 0 } encoding && !string.Equals(encoding[0], "identity", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var contentType = response.ContentType.AsSpan();
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
        if (mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            _sse = new SseUsageScanner();
        }
        else if (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            _json = new JsonUsageScanner();
        }
    }
}
