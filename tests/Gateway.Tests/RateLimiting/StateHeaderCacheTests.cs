using Gateway.RateLimiting;

namespace Gateway.Tests.RateLimiting;

public sealed class StateHeaderCacheTests
{
    [Fact]
    public void Every_state_gets_its_own_value_when_states_repeat_and_share_slots()
    {
        var cache = new StateHeaderCache(RateLimitHeaders.QuotedName("p"));

        // 3 and 67 share a slot, and one remaining count appears with two reset times: no value may leak into another.
        (int Remaining, int Milliseconds)[] states = [(3, 500), (67, 500), (3, 500), (3, 1_500), (67, 500), (0, 61_000), (3, 1_500)];
        foreach (var (remaining, milliseconds) in states)
        {
            var decision = new RateLimitDecision(RateLimitOutcome.Admitted, remaining, TimeSpan.Zero, TimeSpan.FromMilliseconds(milliseconds));
            Assert.Equal(RateLimitHeaders.FormatState("\"p\"", decision), cache.Get(decision));
        }
    }

    [Fact]
    public void A_repeated_state_reuses_the_value()
    {
        var cache = new StateHeaderCache("\"p\"");
        var decision = new RateLimitDecision(RateLimitOutcome.Admitted, 999, TimeSpan.Zero, TimeSpan.FromMilliseconds(1));

        Assert.Same(cache.Get(decision), cache.Get(decision));
    }
}
