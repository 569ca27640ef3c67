using Microsoft.AspNetCore.Http;

namespace Gateway.Rollout;

/// <summary>
/// The latency a request of a route under rollout counts: the time to the end of its answer, or, for a streamed answer,
/// the time to its first body byte (a token stream's first token). A stream's length says how much the model generated,
/// not how fast the variant answers, so a p99 bound measured to its end would judge the wrong thing.
/// </summary>
internal static class RolloutLatency
{
    private const string EventStream = "text/event-stream";

    /// <param name="inference">Whether the request is an inference request (its body named a model): its answers without a Content-Length are streams.</param>
    /// <param name="start">Stopwatch timestamp of the request's arrival.</param>
    /// <param name="firstByte">Stopwatch timestamp of the first body byte (<see cref="FirstByteTimer"/>); 0 when none was written.</param>
    /// <param name="end">Stopwatch timestamp of the answer's end.</param>
    /// <returns>The latency in <see cref="System.Diagnostics.Stopwatch"/> ticks.</returns>
    public static long Of(HttpResponse response, bool inference, long start, long firstByte, long end) =>
        firstByte != 0 && IsStream(response, inference) ? firstByte - start : end - start;

    /// <summary>Server-sent events on any route, or an inference answer sent chunked (without a Content-Length).</summary>
    public static bool IsStream(HttpResponse response, bool inference)
    {
        var contentType = response.ContentType.AsSpan();
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
        return mediaType.Equals(EventStream, StringComparison.OrdinalIgnoreCase) || (inference && response.ContentLength is null);
    }
}
