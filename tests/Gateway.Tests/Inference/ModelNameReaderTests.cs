using System.Collections.Frozen;
using System.Text;
using Gateway.Inference;

namespace Gateway.Tests.Inference;

public sealed class ModelNameReaderTests
{
    [Theory]
    [InlineData("""{"model":"llama-3"}""", "llama-3")]
    [InlineData("""  {"model" : "llama-3" }  """, "llama-3")]
    [InlineData("""{"messages":[{"role":"user","content":"say \"model\": \"x\""}],"model":"gpt-4o"}""", "gpt-4o")]
    [InlineData("""{"options":{"model":"inner","deep":[[{"model":1}]]},"model":"outer"}""", "outer")]
    [InlineData("""{"stream":true,"temperature":0.7,"n":null,"model":"m"}""", "m")]
    [InlineData("""{"seed":123456789012345678901234567890123456789012345678901234567890e999,"model":"big-numbers"}""", "big-numbers")]
    [InlineData("""{"model":"meta-llama\/Llama-3.1-8B"}""", "meta-llama/Llama-3.1-8B")]
    [InlineData("""{"model":"\u006c\u006Cama"}""", "llama")]
    [InlineData("""{"\u006dodel":"escaped-key"}""", "escaped-key")]
    [InlineData("""{"Model":"ignored","model":"exact-case"}""", "exact-case")]
    [InlineData("\uFEFF{\"model\":\"after-bom\"}", "after-bom")]
    public void Finds_the_top_level_model(string json, string expected)
    {
        var body = Encoding.UTF8.GetBytes(json);

        var status = ModelNameReader.Read(body, knownNames: null, out var model, out var token, out _);

        Assert.Equal(ModelReadStatus.Found, status);
        Assert.Equal(expected, model);
        // The token is the value as written, quotes included, so a rewrite replaces exactly it.
        var raw = Encoding.UTF8.GetString(body, token.Start, token.Length);
        Assert.StartsWith("\"", raw);
        Assert.EndsWith("\"", raw);
        Assert.Equal(expected, System.Text.Json.JsonSerializer.Deserialize<string>(raw));
    }

    [Theory]
    [InlineData("", nameof(ModelReadStatus.Malformed))]
    [InlineData("   ", nameof(ModelReadStatus.Malformed))]
    [InlineData("""{"prompt":"hi" """, nameof(ModelReadStatus.Malformed))]
    [InlineData("""{"messages":[{"content":"unterminated""", nameof(ModelReadStatus.Malformed))]
    [InlineData("""{"n":1,}""", nameof(ModelReadStatus.Malformed))]
    [InlineData("""{"n": [1,2}, "model":"m"}""", nameof(ModelReadStatus.Malformed))]
    [InlineData("""{"model":"m","messages":[{"role":"model"}],"x":}""", nameof(ModelReadStatus.Malformed))]
    [InlineData("""{"model":"m","x":"\u0064"} trailing""", nameof(ModelReadStatus.Malformed))]
    [InlineData("""{'model':'m'}""", nameof(ModelReadStatus.Malformed))]
    [InlineData("""["model","m"]""", nameof(ModelReadStatus.NotAnObject))]
    [InlineData("\"model\"", nameof(ModelReadStatus.NotAnObject))]
    [InlineData("""{"prompt":"hi"}""", nameof(ModelReadStatus.Missing))]
    [InlineData("""{"options":{"model":"nested only"}}""", nameof(ModelReadStatus.Missing))]
    [InlineData("""{}""", nameof(ModelReadStatus.Missing))]
    [InlineData("""{"model":7}""", nameof(ModelReadStatus.NotAString))]
    [InlineData("""{"model":null}""", nameof(ModelReadStatus.NotAString))]
    [InlineData("""{"model":["a"]}""", nameof(ModelReadStatus.NotAString))]
    [InlineData("""{"model":{"name":"a"}}""", nameof(ModelReadStatus.NotAString))]
    [InlineData("""{"model":""}""", nameof(ModelReadStatus.InvalidName))]
    [InlineData("""{"model":"has space"}""", nameof(ModelReadStatus.InvalidName))]
    [InlineData("""{"model":"caf\u00e9"}""", nameof(ModelReadStatus.InvalidName))]
    [InlineData("""{"model":"line\nbreak"}""", nameof(ModelReadStatus.InvalidName))]
    [InlineData("""{"model":"a","model":"b"}""", nameof(ModelReadStatus.Duplicate))]
    [InlineData("""{"model":"a","x":{},"mod\u0065l":"b"}""", nameof(ModelReadStatus.Duplicate))]
    public void Refuses_what_it_cannot_route_on(string json, string expected)
    {
        var status = ModelNameReader.Read(Encoding.UTF8.GetBytes(json), knownNames: null, out var model, out _, out _);

        Assert.Equal(Enum.Parse<ModelReadStatus>(expected), status);
        Assert.Null(model);
    }

    [Fact]
    public void A_name_longer_than_the_bound_is_refused_escaped_or_not()
    {
        var name = new string('m', ModelNameReader.MaxNameLength + 1);
        var escaped = string.Concat(Enumerable.Repeat("\\u006d", ModelNameReader.MaxNameLength + 1));

        Assert.Equal(ModelReadStatus.InvalidName, ModelNameReader.Read(Encoding.UTF8.GetBytes($"{{\"model\":\"{name}\"}}"), null, out _, out _, out _));
        Assert.Equal(ModelReadStatus.InvalidName, ModelNameReader.Read(Encoding.UTF8.GetBytes($"{{\"model\":\"{escaped}\"}}"), null, out _, out _, out _));
        Assert.Equal(ModelReadStatus.Found, ModelNameReader.Read(Encoding.UTF8.GetBytes($"{{\"model\":\"{name[1..]}\"}}"), null, out _, out _, out _));
    }

    [Fact]
    public void Malformed_json_says_where()
    {
        ModelNameReader.Read("""{"x":tru,"model":"m"}"""u8, null, out _, out _, out var detail);

        Assert.Contains("BytePositionInLine", detail);
    }

    [Theory]
    [InlineData("""{"model":"m", "n": [1,2}""")]
    [InlineData("""{"model":"m"} trailing""")]
    [InlineData("""{"model":"m" """)]
    [InlineData("""{"model":"m","content":"\u00e9 is not a letter of model"]""")]
    public void Json_errors_after_the_model_are_left_to_the_backend_when_the_rest_cannot_name_model_again(string json) =>
        Assert.Equal(ModelReadStatus.Found, ModelNameReader.Read(Encoding.UTF8.GetBytes(json), null, out _, out _, out _));

    [Fact]
    public void A_known_name_is_the_known_string()
    {
        var known = new string("llama-3".AsSpan());
        var names = new[] { known }.ToFrozenSet(StringComparer.Ordinal);

        ModelNameReader.Read("""{"model":"llama-3"}"""u8, names, out var model, out _, out _);

        Assert.Same(known, model);
    }
}
