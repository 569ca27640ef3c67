using Gateway.Rollout;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Rollout;

/// <summary>Which latency a request under rollout counts: to the first byte of a stream, to the end of anything else.</summary>
public sealed class RolloutLatencyTests
{
    private const long Start = 1_000;
    private const long FirstByte = 1_050;
    private const long End = 9_000;

    private static HttpResponse Response(string? contentType, long? contentLength)
    {
        var response = new DefaultHttpContext().Response;
        response.ContentType = contentType;
        response.ContentLength = contentLength;
        return response;
    }

    [Theory]
    [InlineData("text/event-stream", null, false)]
    [InlineData("text/event-stream; charset=utf-8", null, false)]
    [InlineData("Text/Event-Stream", 1234L, false)]
    [InlineData("application/x-ndjson", null, true)]
    [InlineData("application/json", null, true)]
    public void A_stream_counts_the_time_to_its_first_byte(string contentType, long? contentLength, bool inference)
    {
        var response = Response(contentType, contentLength);

        Assert.True(RolloutLatency.IsStream(response, inference));
        Assert.Equal(FirstByte - Start, RolloutLatency.Of(response, inference, Start, FirstByte, End));
    }

    [Theory]
    [InlineData("application/json", 120L, true)]
    [InlineData("application/json", null, false)]
    [InlineData("text/plain", null, false)]
    [InlineData(null, null, false)]
    public void Any_other_answer_counts_the_time_to_its_end(string? contentType, long? contentLength, bool inference)
    {
        var response = Response(contentType, contentLength);

        Assert.False(RolloutLatency.IsStream(response, inference));
        Assert.Equal(End - Start, RolloutLatency.Of(response, inference, Start, FirstByte, End));
    }

    [Fact]
    public void A_stream_that_wrote_no_byte_counts_the_time_to_its_end()
    {
        var response = Response("text/event-stream", null);

        Assert.Equal(End - Start, RolloutLatency.Of(response, inference: false, Start, firstByte: 0, End));
    }
}
