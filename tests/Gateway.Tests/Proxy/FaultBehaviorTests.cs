using Gateway.Model;
using Gateway.Proxy.Routing;

namespace Gateway.Tests.Proxy;

public sealed class FaultBehaviorTests
{
    [Theory]
    [InlineData(50.0)]
    [InlineData(10.0)]
    [InlineData(0.5)]
    public void Aborts_and_delays_hit_their_percentage_of_requests(double percent)
    {
        var fault = new FaultBehavior(new FaultInjection { Delay = TimeSpan.FromSeconds(1), DelayPercent = percent, AbortStatus = 503, AbortPercent = percent });
        var random = new Random(42);
        const int Draws = 100_000;
        var aborts = 0;
        var delays = 0;
        for (var i = 0; i < Draws; i++)
        {
            aborts += fault.DrawAbort(random) ? 1 : 0;
            delays += fault.DrawDelay(random) ? 1 : 0;
        }

        // Within 5 standard deviations of the binomial expectation.
        var tolerance = 5 * Math.Sqrt(Draws * percent / 100 * (1 - (percent / 100)));
        Assert.InRange(aborts, (Draws * percent / 100) - tolerance, (Draws * percent / 100) + tolerance);
        Assert.InRange(delays, (Draws * percent / 100) - tolerance, (Draws * percent / 100) + tolerance);
    }

    [Fact]
    public void Zero_and_hundred_percent_are_never_and_always_and_an_absent_fault_never_fires()
    {
        var random = new Random(7);
        var always = new FaultBehavior(new FaultInjection { AbortStatus = 500, AbortPercent = 100 });
        var never = new FaultBehavior(new FaultInjection { AbortStatus = 500, AbortPercent = 0, Delay = TimeSpan.FromSeconds(1), DelayPercent = 0 });
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(always.DrawAbort(random));
            Assert.False(always.DrawDelay(random));
            Assert.False(never.DrawAbort(random));
            Assert.False(never.DrawDelay(random));
        }
    }
}
