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

    [Theory]
    [InlineData("/v1/responses", true)]
    [InlineData("/team-a/v1/responses", true)]
    [InlineData("/v1/responses/", true)]
    [InlineData("/V1/Responses", true)]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/v1/completions", false)]
    [InlineData("/v1/myresponses", false)]
    [InlineData("/v1/responses/resp_1/input_items", false)]
    public void Knows_the_responses_api_by_its_path(string path, bool expected)
    {
        Assert.Equal(expected, StreamUsageRequest.IsResponsesApi(path));
    }

    [Fact]
    public void A_streamed_responses_api_request_is_forwarded_as_the_client_sent_it()
    {
        const string Json = """{"model":"m","input":"Say something.","stream":true,"stream_options":{"include_obfuscation":false}}""";
        using var body = Body(Json);

        Assert.False(StreamUsageRequest.Apply(body, "/v1/responses"));
        Assert.Equal(Json, Encoding.UTF8.GetString(body.Content));

        // The same body on the Chat Completions path is asked for its usage.
        Assert.True(StreamUsageRequest.Apply(body, "/v1/chat/completions"));
        Assert.Contains("\"include_usage\":true", Encoding.UTF8.GetString(body.Content), StringComparison.Ordinal);
    }

    private static BufferedJsonBody Body(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(buffer, 0);
        return new BufferedJsonBody(buffer, bytes.Length, "m", new ModelToken(9, 3));
    }

    [Fact]
    public void The_model_position_follows_an_insertion_before_it()
    {
        var json = Encoding.UTF8.GetBytes("""{"stream":true,"model":"m"}""");
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(json.Length);
        json.CopyTo(buffer, 0);
        using var body = new BufferedJsonBody(buffer, json.Length, "m", new ModelToken(23, 3));

        Assert.True(StreamUsageRequest.Apply(body, "/v1/chat/completions"));
        body.Rewrite("other");

        Assert.Equal("""{"stream_options":{"include_usage":true},"stream":true,"model":"other"}""", Encoding.UTF8.GetString(body.Content));
    }
}
