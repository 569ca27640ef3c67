using System.Text;
using Gateway.Inference;

namespace Gateway.Tests.Inference;

public sealed class JsonUsageScannerTests
{
    private const string Completion = """
        {"id":"cmpl-1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"the \"usage\": {\"prompt_tokens\": 99} is text"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,"prompt_tokens_details":{"cached_tokens":0}}}
        """;

    private static (bool Found, TokenUsage Usage) Scan(string json, int chunkSize = int.MaxValue)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var scanner = new JsonUsageScanner();
        for (var i = 0; i < bytes.Length; i += chunkSize)
        {
            scanner.Feed(bytes.AsSpan(i, Math.Min(chunkSize, bytes.Length - i)));
        }

        return (scanner.TryGetUsage(out var usage), usage);
    }

    [Fact]
    public void Reads_the_usage_of_a_completion()
    {
        var (found, usage) = Scan(Completion);

        Assert.True(found);
        Assert.Equal(new TokenUsage(12, 34), usage);
    }

    [Fact]
    public void Reads_the_same_usage_however_the_body_is_split()
    {
        for (var chunk = 1; chunk <= Completion.Length; chunk++)
        {
            var (found, usage) = Scan(Completion, chunk);
            Assert.True(found, $"chunks of {chunk} bytes");
            Assert.Equal(new TokenUsage(12, 34), usage);
        }
    }

    [Theory]
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":7},"choices":[]}""", 5, 7)]
    [InlineData("""{"usage" : { "completion_tokens" : 7 } }""", 0, 7)]
    [InlineData("""{"object":"response","usage":{"input_tokens":3,"output_tokens":4,"total_tokens":7}}""", 3, 4)]
    [InlineData("""{"data":[{"usage":{"prompt_tokens":1000}}],"usage":{"prompt_tokens":8,"total_tokens":8}}""", 8, 0)]
    [InlineData("""{"usage":{"prompt_tokens":1,"completion_tokens":1},"usage":{"prompt_tokens":2,"completion_tokens":3}}""", 2, 3)]
    [InlineData("""{"a\"usage":1,"k":"usage","usage":{"prompt_tokens":6,"completion_tokens":1}}""", 6, 1)]
    public void Finds_the_top_level_usage_only(string json, long prompt, long completion)
    {
        var (found, usage) = Scan(json);

        Assert.True(found);
        Assert.Equal(new TokenUsage(prompt, completion), usage);
    }

    [Fact]
    public void Reads_the_usage_of_a_responses_api_answer_however_it_is_split()
    {
        const string Response = """
            {"id":"resp_1","object":"response","status":"completed","model":"m","output":[{"type":"message","id":"msg_1","role":"assistant",
             "content":[{"type":"output_text","text":"the \"usage\": {\"input_tokens\": 99}","annotations":[]}]}],"response":null,
             "usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":4},"output_tokens":87,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":123}}
            """;

        for (var chunk = 1; chunk <= Response.Length; chunk++)
        {
            Assert.Equal((true, new TokenUsage(36, 87)), Scan(Response, chunk));
        }
    }

    [Theory]
    [InlineData("""{"type":"response.completed","sequence_number":9,"response":{"id":"r","output":[{"content":[{"text":"usage"}]}],"usage":{"input_tokens":5,"output_tokens":6,"total_tokens":11}}}""", 5, 6)]
    [InlineData("""{"type":"response.incomplete","response":{"usage" : {"input_tokens":7,"output_tokens":1}},"sequence_number":3}""", 7, 1)]
    [InlineData("""{"response":{"a":[{"usage":{"input_tokens":1000}}],"b":{"usage":{"input_tokens":1000}},"usage":{"input_tokens":2,"output_tokens":3}}}""", 2, 3)]
    [InlineData("""{"response":{"usage":{"input_tokens":1,"output_tokens":1}},"usage":{"prompt_tokens":4,"completion_tokens":4}}""", 4, 4)]
    public void Finds_the_usage_of_a_top_level_response_object(string json, long prompt, long completion)
    {
        Assert.Equal((true, new TokenUsage(prompt, completion)), Scan(json));
    }

    [Theory]
    [InlineData("""{"type":"response.created","response":{"id":"r","status":"in_progress","usage":null}}""")]
    [InlineData("""{"event":{"response":{"usage":{"input_tokens":5,"output_tokens":6}}}}""")]    // not top-level
    [InlineData("""{"response":{"item":{"usage":{"input_tokens":5,"output_tokens":6}}}}""")]     // too deep
    [InlineData("""{"response":[{"usage":{"input_tokens":5,"output_tokens":6}}]}""")]            // not an object
    [InlineData("""{"responses":{"usage":{"input_tokens":5,"output_tokens":6}}}""")]
    [InlineData("""{"respons":{"usage":{"input_tokens":5,"output_tokens":6}}}""")]
    [InlineData("""{"response":"{\"usage\":{\"input_tokens\":5}}"}""")]
    public void Reports_no_usage_outside_the_top_level_response(string json)
    {
        Assert.False(Scan(json).Found);
    }

    [Theory]
    [InlineData("""{"id":"x","choices":[]}""")]                                             // no usage
    [InlineData("""{"choices":[{"usage":{"prompt_tokens":5,"completion_tokens":7}}]}""")] // nested only
    [InlineData("""{"usage":null}""")]
    [InlineData("""{"usage":"12 tokens"}""")]
    [InlineData("""{"usage":{"prompt_tokens":"12","completion_tokens":-1}}""")]
    [InlineData("""{"usage":{"prompt_tokens":12,,}}""")]                                  // malformed usage
    [InlineData("""[{"usage":{"prompt_tokens":5,"completion_tokens":7}}]""")]            // not an object
    [InlineData("""not json at all "usage":{"prompt_tokens":5}""")]
    [InlineData("")]
    public void Reports_no_usage_when_there_is_none_to_trust(string json)
    {
        Assert.False(Scan(json).Found);
    }

    [Fact]
    public void Reads_the_usage_after_a_huge_body_with_constant_memory()
    {
        var content = new string('x', 4 * 1024 * 1024);
        var json = $$$"""{"choices":[{"message":{"content":"{{{content}}}"}}],"usage":{"prompt_tokens":100,"completion_tokens":1048576}}""";

        var (found, usage) = Scan(json, chunkSize: 16 * 1024);

        Assert.True(found);
        Assert.Equal(new TokenUsage(100, 1_048_576), usage);
    }

    [Fact]
    public void Ignores_a_usage_value_too_large_to_be_a_report()
    {
        var padding = new string(' ', JsonUsageScanner.MaxUsageLength);
        var (found, _) = Scan($$$"""{"usage":{"prompt_tokens":1,{{{padding}}}"completion_tokens":2}}""", chunkSize: 100);

        Assert.False(found);
    }

    [Fact]
    public void Starts_over_after_a_reset()
    {
        var scanner = new JsonUsageScanner();
        scanner.Feed("""{"usage":{"prompt_tokens":1,"completion_tokens":2}}"""u8);
        scanner.Reset();
        scanner.Feed("""{"choices":[]}"""u8);

        Assert.False(scanner.TryGetUsage(out _));
    }
}
