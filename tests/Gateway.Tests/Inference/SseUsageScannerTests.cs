using System.Text;
using Gateway.Inference;

namespace Gateway.Tests.Inference;

public sealed class SseUsageScannerTests
{
    private const string Stream =
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"tok \"},\"finish_reason\":null}]}\n\n" +
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"data: {\\\"usage\\\":{}}\"},\"finish_reason\":\"length\"}],\"usage\":null}\n\n" +
        "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":2,\"total_tokens\":23}}\n\n" +
        "data: [DONE]\n\n";

    // A Responses API stream: typed events, text that looks like usage, an in-progress response whose usage is null, and
    // the usage inside the response of response.completed, the last event (no [DONE]).
    private const string ResponsesStream =
        "event: response.created\n" +
        "data: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[],\"usage\":null}}\n\n" +
        "event: response.output_text.delta\n" +
        "data: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"tok \"}\n\n" +
        "event: response.output_text.delta\n" +
        "data: {\"type\":\"response.output_text.delta\",\"sequence_number\":2,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"data: {\\\"response\\\":{\\\"usage\\\":{\\\"input_tokens\\\":99}}}\"}\n\n" +
        "event: response.completed\n" +
        "data: {\"type\":\"response.completed\",\"sequence_number\":3,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\"," +
        "\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"tok data: {}\",\"annotations\":[]}]}]," +
        "\"usage\":{\"input_tokens\":21,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":2,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":23}}}\n\n";

    private static (bool Found, TokenUsage Usage) Scan(string stream, int chunkSize = int.MaxValue, bool complete = true)
    {
        var bytes = Encoding.UTF8.GetBytes(stream);
        var scanner = new SseUsageScanner();
        for (var i = 0; i < bytes.Length; i += chunkSize)
        {
            scanner.Feed(bytes.AsSpan(i, Math.Min(chunkSize, bytes.Length - i)));
        }

        if (complete)
        {
            scanner.Complete();
        }

        return (scanner.TryGetUsage(out var usage), usage);
    }

    /// <summary>The usage of <paramref name="bytes"/> fed in the pieces that <paramref name="cuts"/> (ascending offsets) make.</summary>
    private static (bool Found, TokenUsage Usage) ScanCut(byte[] bytes, IReadOnlyList<int> cuts)
    {
        var scanner = new SseUsageScanner();
        var start = 0;
        foreach (var cut in cuts)
        {
            scanner.Feed(bytes.AsSpan(start, cut - start));
            start = cut;
        }

        scanner.Feed(bytes.AsSpan(start));
        scanner.Complete();
        return (scanner.TryGetUsage(out var usage), usage);
    }

    [Fact]
    public void Reads_the_usage_of_the_last_event_before_done()
    {
        var (found, usage) = Scan(Stream);

        Assert.True(found);
        Assert.Equal(new TokenUsage(21, 2), usage);
    }

    [Fact]
    public void Reads_the_same_usage_however_the_stream_is_split()
    {
        for (var chunk = 1; chunk <= Stream.Length; chunk++)
        {
            var (found, usage) = Scan(Stream, chunk);
            Assert.True(found, $"chunks of {chunk} bytes");
            Assert.Equal(new TokenUsage(21, 2), usage);
        }
    }

    [Fact]
    public void Reads_the_usage_of_a_responses_api_stream_from_its_completed_event()
    {
        Assert.Equal((true, new TokenUsage(21, 2)), Scan(ResponsesStream));

        // The events before response.completed report none, however the text in them reads.
        var beforeCompleted = ResponsesStream[..ResponsesStream.IndexOf("event: response.completed", StringComparison.Ordinal)];
        Assert.False(Scan(beforeCompleted).Found);
    }

    [Theory]
    [InlineData(ResponsesStream)]
    [InlineData(Stream)]
    public void Reads_the_same_usage_wherever_one_cut_falls(string stream)
    {
        var bytes = Encoding.UTF8.GetBytes(stream);
        var expected = Scan(stream);
        Assert.True(expected.Found);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.True(expected == ScanCut(bytes, [cut]), $"cut at byte {cut}");
        }
    }

    /// <summary>
    /// Property: for any way of cutting the stream into pieces (seeded, 2,000 ways per stream, from many small pieces to a
    /// few large ones, CRLF line ends too), the usage read is that of the whole stream.
    /// </summary>
    [Theory]
    [InlineData(ResponsesStream, 1)]
    [InlineData(Stream, 2)]
    public void Reads_the_same_usage_however_the_stream_is_cut_into_pieces(string stream, int seed)
    {
        var random = new Random(seed);
        foreach (var text in new[] { stream, stream.ReplaceLineEndings("\r\n") })
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var expected = Scan(text);
            Assert.True(expected.Found);
            for (var round = 0; round < 1000; round++)
            {
                var meanPiece = 1 + random.Next(bytes.Length / 4);
                var cuts = new List<int>();
                for (var at = random.Next(1, meanPiece + 1); at < bytes.Length; at += random.Next(1, 2 * meanPiece))
                {
                    cuts.Add(at);
                }

                Assert.True(expected == ScanCut(bytes, cuts), $"cut at {string.Join(',', cuts)}");
            }
        }
    }

    [Fact]
    public void Reads_events_with_crlf_comments_other_fields_and_data_over_several_lines()
    {
        var stream = ": keep-alive\r\n\r\nevent: message\r\nid: 7\r\ndata: {\"choices\":[],\r\ndata: \"usage\":{\"prompt_tokens\":4,\r\ndata: \"completion_tokens\":5}}\r\n\r\ndata: [DONE]\r\n\r\n";

        for (var chunk = 1; chunk <= stream.Length; chunk++)
        {
            var (found, usage) = Scan(stream, chunk);
            Assert.True(found, $"chunks of {chunk} bytes");
            Assert.Equal(new TokenUsage(4, 5), usage);
        }
    }

    [Fact]
    public void Keeps_the_last_usage_when_later_events_carry_none()
    {
        var stream = "data: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\ndata: {\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":8}}\n\ndata: {\"choices\":[]}\n\ndata: [DONE]\n\n";

        Assert.Equal((true, new TokenUsage(9, 8)), Scan(stream));
    }

    [Fact]
    public void Counts_a_last_event_the_stream_did_not_close()
    {
        var stream = "data: {\"choices\":[]}\n\ndata: {\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";

        Assert.Equal((false, default(TokenUsage)), Scan(stream, complete: false));
        Assert.Equal((true, new TokenUsage(3, 4)), Scan(stream));
    }

    [Theory]
    [InlineData("data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n")]       // no include_usage
    [InlineData("data: {\"choices\":[], \"usage\": {\"prompt_tokens\": 3,\n\ndata: [DONE]\n\n")]    // cut mid-object
    [InlineData("data:[DONE]\n\n")]
    [InlineData("event: usage\nid: {\"usage\":{\"prompt_tokens\":3}}\n\n")]                        // not a data field
    [InlineData("datum: {\"usage\":{\"prompt_tokens\":3}}\n\n")]
    public void Reports_no_usage_when_no_event_carries_one(string stream)
    {
        Assert.False(Scan(stream).Found);
    }

    [Fact]
    public void Reads_the_usage_after_a_huge_stream()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            builder.Append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").Append('y', 200).Append("\"}}]}\n\n");
        }

        builder.Append("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20000}}\n\ndata: [DONE]\n\n");

        Assert.Equal((true, new TokenUsage(10, 20_000)), Scan(builder.ToString(), chunkSize: 4096));
    }

    [Fact]
    public void Reads_the_usage_of_an_event_longer_than_the_data_kept_per_event()
    {
        var content = new string('z', SseUsageScanner.EventBufferSize);
        var stream = "data: {\"choices\":[]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"" + content +
            "\"}}],\"usage\":{\"prompt_tokens\":6,\"completion_tokens\":7}}\n\ndata: {\"choices\":[]}\n\ndata: [DONE]\n\n";

        foreach (var chunk in new[] { 1, 7, 1000, 4096, int.MaxValue })
        {
            Assert.Equal((true, new TokenUsage(6, 7)), Scan(stream, chunk));
        }
    }
}
