using Gateway.Model;
using Gateway.RateLimiting;

namespace Gateway.Tests.RateLimiting;

public sealed class RateLimitHeadersTests
{
    [Fact]
    public void Policy_header_states_quota_and_window()
    {
        var rule = new RateLimitRule(new RateLimitPolicy { Name = "per-client", Rate = "30/m", Burst = 5 }, TimeSpan.TicksPerSecond);
        Assert.Equal("\"per-client\";q=30;w=60", RateLimitHeaders.FormatPolicy(rule));
    }

    [Fact]
    public void State_header_rounds_seconds_up()
    {
        var decision = new RateLimitDecision(RateLimitOutcome.Admitted, 4, TimeSpan.Zero, TimeSpan.FromMilliseconds(1_001));
        Assert.Equal("\"p\";r=4;t=2", RateLimitHeaders.FormatState(RateLimitHeaders.QuotedName("p"), decision));
    }

    [Fact]
    public void Names_are_valid_structured_field_strings()
    {
        Assert.Equal("\"a\\\"b\\\\c_\"", RateLimitHeaders.QuotedName("a\"b\\cé"));
    }
}
