using Gateway.Model;

namespace Gateway.Tests.Model;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("00:00:30", 30_000)]
    [InlineData(" 10s ", 10_000)]
    public void Parses_gateway_api_and_timespan_durations(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("s")]
    [InlineData("-00:00:01")]
    public void Rejects_what_is_not_a_duration(string text) => Assert.False(DurationParser.TryParse(text, out _));
}
