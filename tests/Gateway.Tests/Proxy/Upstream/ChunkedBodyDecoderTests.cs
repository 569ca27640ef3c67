using System.Text;
using Gateway.Proxy.Upstream;

namespace Gateway.Tests.Proxy.Upstream;

public sealed class ChunkedBodyDecoderTests
{
    private const string Body = "5\r\nhello\r\n7;name=\"va;lue\" ; x\r\n, world\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Checksum: abc\r\nX-Empty:\r\n\r\n";

    [Fact]
    public void A_chunked_body_decodes_to_its_data_and_stops_at_its_end()
    {
        var (status, data, consumed) = Decode(ResponseHeadParserTests.Bytes(Body + "HTTP/1.1 200 OK\r\n"), sliceLength: int.MaxValue);

        Assert.Equal(ChunkedStatus.Done, status);
        Assert.Equal("hello, worldabcdefghijklmnopqrstuvwxyz", data);
        Assert.Equal(Body.Length, consumed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Any_split_of_the_input_decodes_alike(int sliceLength)
    {
        var (status, data, consumed) = Decode(ResponseHeadParserTests.Bytes(Body + "next"), sliceLength);

        Assert.Equal(ChunkedStatus.Done, status);
        Assert.Equal("hello, worldabcdefghijklmnopqrstuvwxyz", data);
        Assert.Equal(Body.Length, consumed);
    }

    [Fact]
    public void An_empty_body_is_the_last_chunk_alone()
    {
        var (status, data, consumed) = Decode(ResponseHeadParserTests.Bytes("0\r\n\r\n"), int.MaxValue);

        Assert.Equal((ChunkedStatus.Done, "", 5), (status, data, consumed));
    }

    [Fact]
    public void A_body_cut_short_needs_more()
    {
        var (status, data, _) = Decode(ResponseHeadParserTests.Bytes("5\r\nhello\r\n3\r\nab"), int.MaxValue);

        Assert.Equal((ChunkedStatus.NeedMore, "helloab"), (status, data));
    }

    [Fact]
    public void Reset_starts_a_new_body()
    {
        var decoder = new ChunkedBodyDecoder();
        Decode(decoder, ResponseHeadParserTests.Bytes("zz"), int.MaxValue);
        decoder.Reset();

        var (status, data, _) = Decode(decoder, ResponseHeadParserTests.Bytes("2\r\nok\r\n0\r\n\r\n"), int.MaxValue);

        Assert.Equal((ChunkedStatus.Done, "ok"), (status, data));
    }

    [Theory]
    [InlineData("x\r\n", "not hexadecimal")]
    [InlineData("\r\n", "not hexadecimal")]
    [InlineData("-5\r\nhello\r\n0\r\n\r\n", "not hexadecimal")]
    [InlineData("5 \r\nhello\r\n0\r\n\r\n", "not followed by an extension")]
    [InlineData("5\nhello\r\n0\r\n\r\n", "does not end with CRLF")]
    [InlineData("5\rxhello\r\n0\r\n\r\n", "does not end with CRLF")]
    [InlineData("5\r\nhello!\r\n0\r\n\r\n", "longer than its size")]
    [InlineData("5\r\nhello\n0\r\n\r\n", "does not end with CRLF")]
    [InlineData("5\r\nhello\r0\r\n\r\n", "does not end with CRLF")]
    [InlineData("8000000000000000\r\n", "too large")]
    [InlineData("5;a\u0001b\r\nhello\r\n0\r\n\r\n", "control character")]
    [InlineData("5;a\nb\r\nhello\r\n0\r\n\r\n", "control character")]
    [InlineData("0\r\nX-A: 1\r\n folded\r\n\r\n", "obs-fold")]
    [InlineData("0\r\nX-A : 1\r\n\r\n", "not a token")]
    [InlineData("0\r\n: 1\r\n\r\n", "not a token")]
    [InlineData("0\r\nX-A: a\u0000b\r\n\r\n", "control character")]
    [InlineData("0\r\nX-A: 1\n\r\n", "control character")]
    [InlineData("0\r\nX-A: 1\r\r\n", "does not end with CRLF")]
    [InlineData("0\r\n\n", "not a token")]
    [InlineData("0\r\n\rx", "trailer section does not end with CRLF")]
    public void Framing_two_parsers_could_read_differently_is_refused(string body, string reason)
    {
        var decoder = new ChunkedBodyDecoder();
        var (status, _, _) = Decode(decoder, ResponseHeadParserTests.Bytes(body), int.MaxValue);

        Assert.Equal(ChunkedStatus.Invalid, status);
        Assert.Contains(reason, decoder.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Leading_zeros_are_allowed_but_a_size_line_longer_than_the_limit_is_not()
    {
        var (status, data, _) = Decode(ResponseHeadParserTests.Bytes("0000000000000000000002\r\nok\r\n0\r\n\r\n"), int.MaxValue);
        Assert.Equal((ChunkedStatus.Done, "ok"), (status, data));

        var decoder = new ChunkedBodyDecoder(maxLineLength: 16);
        var (refused, _, _) = Decode(decoder, ResponseHeadParserTests.Bytes("2;" + new string('e', 20) + "\r\nok\r\n0\r\n\r\n"), int.MaxValue);
        Assert.Equal(ChunkedStatus.Invalid, refused);
        Assert.Contains("longer than the limit", decoder.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trailer_section_larger_than_the_limit_is_refused()
    {
        var decoder = new ChunkedBodyDecoder(maxTrailerSize: 32);
        var (status, _, _) = Decode(decoder, ResponseHeadParserTests.Bytes("0\r\nX-Long: " + new string('v', 40) + "\r\n\r\n"), int.MaxValue);

        Assert.Equal(ChunkedStatus.Invalid, status);
        Assert.Contains("trailer section is larger than the limit", decoder.Error, StringComparison.Ordinal);
    }

    internal static (ChunkedStatus Status, string Data, int Consumed) Decode(byte[] input, int sliceLength) =>
        Decode(new ChunkedBodyDecoder(), input, sliceLength);

    /// <summary>Feeds the input in slices of at most <paramref name="sliceLength"/> bytes, as reads from a socket would.</summary>
    internal static (ChunkedStatus Status, string Data, int Consumed) Decode(ChunkedBodyDecoder decoder, byte[] input, int sliceLength)
    {
        var data = new StringBuilder();
        var position = 0;
        var status = ChunkedStatus.NeedMore;
        while (position < input.Length)
        {
            var slice = input.AsSpan(position, Math.Min(sliceLength, input.Length - position));
            var offset = 0;
            do
            {
                status = decoder.Read(slice[offset..], out var consumed, out var dataStart, out var dataLength);
                data.Append(Encoding.Latin1.GetString(slice.Slice(offset + dataStart, dataLength)));
                offset += consumed;
            }
            while (status == ChunkedStatus.Data && offset < slice.Length);

            position += offset;
            if (status is ChunkedStatus.Done or ChunkedStatus.Invalid)
            {
                break;
            }
        }

        // Input that ran out inside a chunk's data needs more as much as input that ran out inside framing.
        status = status == ChunkedStatus.Data ? ChunkedStatus.NeedMore : status;
        return (status, data.ToString(), position);
    }
}
