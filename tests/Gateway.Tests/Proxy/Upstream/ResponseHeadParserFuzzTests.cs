using System.Text;
using Gateway.Proxy.Upstream;

namespace Gateway.Tests.Proxy.Upstream;

/// <summary>
/// Mutations of valid responses, with a seeded <see cref="Random"/>: the parser always returns, gives the same verdict
/// whether the bytes arrive at once or in slices, and accepts exactly what <see cref="ResponseHeadOracle"/> accepts,
/// with the same status, framing and reuse. The chunked decoder, fed mutated bodies, decodes alike whatever the slices.
/// </summary>
public sealed class ResponseHeadParserFuzzTests
{
    private const int Cases = 20_000;

    private static readonly string[] ValidResponses =
    [
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.0 404 Not Found\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 42\r\n\r\n",
        "HTTP/1.1 502 Bad Gateway\r\nServer: up\r\nConnection: close\r\n\r\nbody",
        "HTTP/1.1 200\r\nCache-Control: no-cache, no-store\r\nX-Empty:\r\nContent-Length: 3\r\n\r\nabc",
    ];

    private static readonly string[] SmugglingLines =
    [
        "Content-Length: 7\r\n",
        "Content-Length: 0\r\n",
        "Transfer-Encoding: chunked\r\n",
        "Transfer-Encoding: gzip\r\n",
        "Connection: close\r\n",
        " folded\r\n",
        "\tfolded\r\n",
        "X-Bare: lf\n",
        "X-Ctl: a\u0001b\r\n",
        "Content-Length : 5\r\n",
    ];

    private static readonly byte[] Interesting =
        [(byte)'\r', (byte)'\n', (byte)' ', (byte)'\t', 0, (byte)':', (byte)',', (byte)'0', (byte)'9', (byte)'a', (byte)'A', 0x7F, 0x80, 0xFF, (byte)';', (byte)'"'];

    [Fact]
    public void The_parser_accepts_exactly_what_the_grammar_accepts_whole_or_in_slices()
    {
        var random = new Random(20261207);
        var counts = new Dictionary<HeadParseResult, int>();
        for (var i = 0; i < Cases; i++)
        {
            var input = Mutate(random, ResponseHeadParserTests.Bytes(ValidResponses[random.Next(ValidResponses.Length)]));
            var requestWasHead = random.Next(8) == 0;
            var maxHeadSize = random.Next(4) == 0 ? random.Next(8, 120) : ResponseHeadParser.DefaultMaxHeadSize;
            var maxFieldCount = random.Next(8) == 0 ? random.Next(0, 4) : ResponseHeadParser.DefaultMaxFieldCount;

            var expected = ResponseHeadOracle.Judge(input, requestWasHead, maxHeadSize, maxFieldCount);
            var whole = ResponseHeadParser.TryParse(input, requestWasHead, out var head, out var error, maxHeadSize, maxFieldCount);
            var actual = HeadVerdict.Of(whole, head);

            Assert.True(expected == actual, $"case {i}: expected {expected}, got {actual} ({error}) for {Escape(input)}");
            Assert.True((whole == HeadParseResult.Invalid) == (error is not null), $"case {i}: an error exactly when invalid, for {Escape(input)}");
            Assert.True(SlicedVerdict(random, input, requestWasHead, maxHeadSize, maxFieldCount) == actual, $"case {i}: sliced verdict differs for {Escape(input)}");
            counts[whole] = counts.GetValueOrDefault(whole) + 1;
        }

        // The mutations reach every verdict often enough for the comparison to mean something.
        Assert.All(Enum.GetValues<HeadParseResult>(), result => Assert.True(counts.GetValueOrDefault(result) > Cases / 20, $"{result}: {counts.GetValueOrDefault(result)}"));
    }

    [Fact]
    public void The_chunked_decoder_decodes_mutated_bodies_alike_whatever_the_slices()
    {
        var random = new Random(7);
        var seeds = new[]
        {
            "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\nHTTP/1.1",
            "1\r\na\r\n0\r\nX-Trailer: v\r\n\r\n",
            "10\r\n0123456789abcdef\r\n0;last\r\n\r\n",
        };
        var counts = new Dictionary<ChunkedStatus, int>();
        for (var i = 0; i < Cases / 3; i++)
        {
            var input = Mutate(random, ResponseHeadParserTests.Bytes(seeds[random.Next(seeds.Length)]));
            var whole = ChunkedBodyDecoderTests.Decode(input, int.MaxValue);
            var bytewise = ChunkedBodyDecoderTests.Decode(input, 1);
            var sliced = ChunkedBodyDecoderTests.Decode(input, random.Next(2, 9));

            Assert.True(whole == bytewise && whole == sliced, $"case {i}: {whole} / {bytewise} / {sliced} for {Escape(input)}");
            Assert.True(whole.Status != ChunkedStatus.Done || whole.Consumed <= input.Length, $"case {i}");
            counts[whole.Status] = counts.GetValueOrDefault(whole.Status) + 1;
        }

        Assert.True(counts.GetValueOrDefault(ChunkedStatus.Done) > Cases / 60 && counts.GetValueOrDefault(ChunkedStatus.Invalid) > Cases / 60);
    }

    /// <summary>Feeds growing prefixes, as reads from a socket would, until the parser stops asking for more.</summary>
    private static HeadVerdict SlicedVerdict(Random random, byte[] input, bool requestWasHead, int maxHeadSize, int maxFieldCount)
    {
        var length = 0;
        while (true)
        {
            length = Math.Min(input.Length, length + random.Next(1, 24));
            var result = ResponseHeadParser.TryParse(input.AsSpan(0, length), requestWasHead, out var head, out _, maxHeadSize, maxFieldCount);
            if (result != HeadParseResult.Incomplete || length == input.Length)
            {
                return HeadVerdict.Of(result, head);
            }
        }
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = Pick(random);
                    break;
                case 1:
                    bytes.Insert(at, Pick(random));
                    break;
                case 2 when bytes.Count > 0:
                    var start = Math.Min(at, bytes.Count - 1);
                    bytes.RemoveRange(start, Math.Min(random.Next(1, 9), bytes.Count - start));
                    break;
                case 3:
                    bytes.InsertRange(LineStart(bytes, random), Encoding.Latin1.GetBytes(SmugglingLines[random.Next(SmugglingLines.Length)]));
                    break;
                case 4:
                    var lineStart = LineStart(bytes, random);
                    var lineEnd = bytes.IndexOf((byte)'\n', lineStart);
                    if (lineEnd > lineStart)
                    {
                        bytes.InsertRange(lineStart, bytes.GetRange(lineStart, lineEnd - lineStart + 1));
                    }

                    break;
                case 5:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    if (at < bytes.Count && char.IsAsciiLetter((char)bytes[at]))
                    {
                        bytes[at] ^= 0x20;
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    private static byte Pick(Random random) => random.Next(4) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];

    /// <summary>The start of a random line after the first, or the end.</summary>
    private static int LineStart(List<byte> bytes, Random random)
    {
        var starts = new List<int>();
        for (var i = 0; i < bytes.Count; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts.Count == 0 ? bytes.Count : starts[random.Next(starts.Count)];
    }

    private static string Escape(byte[] input)
    {
        var text = new StringBuilder();
        foreach (var b in input)
        {
            text.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return text.ToString();
    }
}
