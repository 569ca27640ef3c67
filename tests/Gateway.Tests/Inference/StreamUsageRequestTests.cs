using System.Text;
using Gateway.Inference;

namespace Gateway.Tests.Inference;

public sealed class StreamUsageRequestTests
{
    private static string? Apply(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (!StreamUsageRequest.TryFind(bytes, out var start, out var removeLength, out var insert))
        {
            return null;
        }

        return Encoding.UTF8.GetString(bytes, 0, start) + Encoding.UTF8.GetString(insert) + Encoding.UTF8.GetString(bytes, start + removeLength, bytes.Length - start - removeLength);
    }

    [Theory]
    [InlineData("""{"model":"m","stream":true}""", """{"stream_options":{"include_usage":true},"model":"m","stream":true}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":{}}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":{"x":1}}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true,"x":1}}""")]
    [InlineData("""{"model":"m","stream_options":{"include_usage":false},"stream":true}""", """{"model":"m","stream_options":{"include_usage":true},"stream":true}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":null}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    public void Asks_a_streamed_request_for_its_usage(string json, string expected)
    {
        Assert.Equal(expected, Apply(json));
    }

    [Theory]
    [InlineData("""{"model":"m"}""")]
    [InlineData("""{"model":"m","stream":false}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"model":"m","stream":true,"messages":[""")]
    public void Leaves_other_bodies_as_they_are(string json)
    {
        Assert.Null(Apply(json));
    }

    [Fact]
    public void The_model_position_follows_an_insertion_before_it()
    {
        var json = Encoding.UTF8.GetBytes("""{"stream":true,"model":"m"}""");
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(json.Length);
        json.CopyTo(buffer, 0);
        using var body = new BufferedJsonBody(buffer, json.Length, "m", new ModelToken(23, 3));

        Assert.True(StreamUsageRequest.Apply(body));
        body.Rewrite("other");

        Assert.Equal("""{"stream_options":{"include_usage":true},"stream":true,"model":"other"}""", Encoding.UTF8.GetString(body.Content));
    }
}
