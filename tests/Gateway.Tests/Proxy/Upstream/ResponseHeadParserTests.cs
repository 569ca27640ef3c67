using System.Text;
using Gateway.Proxy.Upstream;

namespace Gateway.Tests.Proxy.Upstream;

public sealed class ResponseHeadParserTests
{
    [Fact]
    public void A_content_length_response_gives_status_reason_fields_and_exact_framing()
    {
        var bytes = Bytes("HTTP/1.1 201 Created Now\r\nContent-Type: text/plain\r\nContent-Length:  5 \r\nX-A:\t a b \t\r\n\r\nhello");

        var result = ResponseHeadParser.TryParse(bytes, requestWasHead: false, out var head, out var error);

        Assert.Equal(HeadParseResult.Complete, result);
        Assert.Null(error);
        Assert.Equal(201, head.StatusCode);
        Assert.False(head.IsHttp10);
        Assert.Equal("Created Now", Text(bytes.AsSpan(head.ReasonStart, head.ReasonLength)));
        Assert.Equal(BodyFraming.ContentLength, head.Framing);
        Assert.Equal(5, head.ContentLength);
        Assert.True(head.KeepAlive);
        Assert.Equal(3, head.FieldCount);
        Assert.Equal("hello", Text(bytes.AsSpan(head.Length)));
        Assert.Equal(["Content-Type=text/plain", "Content-Length=5", "X-A=a b"], Fields(bytes, head));
    }

    [Fact]
    public void A_status_line_without_a_reason_is_accepted_with_or_without_its_space()
    {
        Assert.Equal(HeadParseResult.Complete, ResponseHeadParser.TryParse(Bytes("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"), false, out var bare, out _));
        Assert.Equal(HeadParseResult.Complete, ResponseHeadParser.TryParse(Bytes("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"), false, out var spaced, out _));
        Assert.Equal((200, 0), (bare.StatusCode, bare.ReasonLength));
        Assert.Equal((200, 0), (spaced.StatusCode, spaced.ReasonLength));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, nameof(BodyFraming.Chunked), true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n", false, nameof(BodyFraming.Chunked), true)]
    [InlineData("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", false, nameof(BodyFraming.CloseDelimited), false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true, nameof(BodyFraming.None), true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, nameof(BodyFraming.None), true)]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", false, nameof(BodyFraming.None), true)]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", false, nameof(BodyFraming.None), true)]
    [InlineData("HTTP/1.1 304 Not Modified\r\nContent-Length: 120\r\n\r\n", false, nameof(BodyFraming.None), true)]
    [InlineData("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false, nameof(BodyFraming.None), true)]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\n", false, nameof(BodyFraming.None), true)]
    [InlineData("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n", false, nameof(BodyFraming.None), true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", false, nameof(BodyFraming.ContentLength), false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: Upgrade, Close\r\n\r\n", false, nameof(BodyFraming.ContentLength), false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false, nameof(BodyFraming.ContentLength), false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n", false, nameof(BodyFraming.ContentLength), true)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", false, nameof(BodyFraming.CloseDelimited), false)]
    public void Framing_and_reuse_follow_RFC_9112(string response, bool requestWasHead, string framingName, bool keepAlive)
    {
        var framing = Enum.Parse<BodyFraming>(framingName);
        var result = ResponseHeadParser.TryParse(Bytes(response), requestWasHead, out var head, out var error);

        Assert.True(result == HeadParseResult.Complete, error);
        Assert.Equal(framing, head.Framing);
        Assert.Equal(keepAlive, head.KeepAlive);
        Assert.Equal(framing == BodyFraming.ContentLength ? 0 : -1, head.ContentLength);
    }

    [Fact]
    public void Informational_answers_say_another_head_follows_except_101()
    {
        ResponseHeadParser.TryParse(Bytes("HTTP/1.1 100 Continue\r\n\r\n"), false, out var continued, out _);
        ResponseHeadParser.TryParse(Bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"), false, out var switched, out _);

        Assert.True(continued.IsInformational);
        Assert.False(switched.IsInformational);
    }

    [Fact]
    public void Every_prefix_of_a_valid_head_is_incomplete()
    {
        var bytes = Bytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Equal(HeadParseResult.Incomplete, ResponseHeadParser.TryParse(bytes.AsSpan(0, length), false, out _, out var error));
            Assert.Null(error);
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", "two Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\n", "two Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", "Content-Length is not a number")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n", "Content-Length is not a number")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length is not a number")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", "Content-Length is not a number")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1 0\r\n\r\n", "Content-Length is not a number")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "Content-Length is not a number")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\n", "Content-Length is not a number")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "both Content-Length and Transfer-Encoding")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "both Content-Length and Transfer-Encoding")]
    [InlineData("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "both Content-Length and Transfer-Encoding")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "Transfer-Encoding other than chunked")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", "Transfer-Encoding other than chunked")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n", "Transfer-Encoding other than chunked")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "two Transfer-Encoding")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n Content-Length: 6\r\n\r\n", "obs-fold")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: 1\r\n\tcontinued\r\n\r\n", "obs-fold")]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", "line feed without a carriage return")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", "line feed without a carriage return")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n", "line feed without a carriage return")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: 1\rContent-Length: 5\r\n\r\n", "control character")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n", "control character")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\u007Fb\r\n\r\n", "control character")]
    [InlineData("HTTP/1.1 200 O\rK\r\n\r\n", "reason phrase has a control character")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n", "not a token")]
    [InlineData("HTTP/1.1 200 OK\r\nX(A): 5\r\n\r\n", "not a token")]
    [InlineData("HTTP/1.1 200 OK\r\n: 5\r\n\r\n", "without a name")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "without a name")]
    [InlineData("HTTP/2.0 200 OK\r\n\r\n", "status line")]
    [InlineData("HTTP/1.2 200 OK\r\n\r\n", "status line")]
    [InlineData("http/1.1 200 OK\r\n\r\n", "status line")]
    [InlineData("HTTP/1.1  200 OK\r\n\r\n", "three digits")]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n", "three digits")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n", "three digits")]
    [InlineData("HTTP/1.1 600 Nope\r\n\r\n", "outside 100-599")]
    [InlineData("HTTP/1.1 099 Nope\r\n\r\n", "outside 100-599")]
    [InlineData("\r\nHTTP/1.1 200 OK\r\n\r\n", "status line")]
    [InlineData("HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\n", "informational")]
    [InlineData("HTTP/1.1 103 Early Hints\r\nTransfer-Encoding: chunked\r\n\r\n", "informational")]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", "204 response declares a body")]
    [InlineData("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", "204 response declares a body")]
    public void Heads_two_parsers_could_read_differently_are_refused(string response, string reason)
    {
        var result = ResponseHeadParser.TryParse(Bytes(response), requestWasHead: false, out _, out var error);

        Assert.Equal(HeadParseResult.Invalid, result);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_head_larger_than_the_limit_is_refused_before_it_ends()
    {
        var field = "X-Big: " + new string('a', 200) + "\r\n";
        var bytes = Bytes("HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Repeat(field, 10)));

        Assert.Equal(HeadParseResult.Incomplete, ResponseHeadParser.TryParse(bytes, false, out _, out _, maxHeadSize: 4096));
        var result = ResponseHeadParser.TryParse(bytes, false, out _, out var error, maxHeadSize: 1024);

        Assert.Equal(HeadParseResult.Invalid, result);
        Assert.Contains("larger than the limit", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_head_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not()
    {
        var bytes = Bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(HeadParseResult.Complete, ResponseHeadParser.TryParse(bytes, false, out _, out _, maxHeadSize: bytes.Length));
        Assert.Equal(HeadParseResult.Invalid, ResponseHeadParser.TryParse(bytes, false, out _, out _, maxHeadSize: bytes.Length - 1));
    }

    [Fact]
    public void A_head_with_more_fields_than_the_limit_is_refused()
    {
        var bytes = Bytes("HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Range(0, 5).Select(i => $"X-{i}: {i}\r\n")) + "\r\n");

        Assert.Equal(HeadParseResult.Complete, ResponseHeadParser.TryParse(bytes, false, out _, out _, maxFieldCount: 5));
        Assert.Equal(HeadParseResult.Invalid, ResponseHeadParser.TryParse(bytes, false, out _, out var error, maxFieldCount: 4));
        Assert.Contains("more field lines than the limit", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Obs_text_in_values_and_reasons_is_kept_as_sent()
    {
        var bytes = Encoding.Latin1.GetBytes("HTTP/1.1 200 Ok\u00e9\r\nX-Name: caf\u00e9\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(HeadParseResult.Complete, ResponseHeadParser.TryParse(bytes, false, out var head, out _));
        Assert.Equal(["X-Name=caf\u00e9", "Content-Length=0"], Fields(bytes, head));
    }

    internal static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static List<string> Fields(byte[] bytes, ResponseHead head)
    {
        var fields = new List<string>();
        var enumerator = new HeaderFieldEnumerator(bytes.AsSpan(head.FieldsStart, head.Length - head.FieldsStart));
        while (enumerator.MoveNext())
        {
            fields.Add(Text(enumerator.Name) + "=" + Text(enumerator.Value));
        }

        return fields;
    }
}
