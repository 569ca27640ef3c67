using Gateway.Sources.Kubernetes;

namespace Gateway.Tests.Sources.Kubernetes;

public sealed class BackoffTests
{
    [Fact]
    public void Delays_double_within_jitter_bounds_and_stop_at_the_maximum()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), new Random(42));
        double[] ceilings = [200, 400, 800, 1600, 3200, 5000, 5000, 5000];
        foreach (var ceiling in ceilings)
        {
            var delay = backoff.Next().TotalMilliseconds;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
    }

    [Fact]
    public void Reset_starts_again_from_the_initial_delay()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), new Random(1));
        for (var i = 0; i < 6; i++)
        {
            backoff.Next();
        }

        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 100, 200);
    }

    [Fact]
    public void Jitter_spreads_replicas_that_failed_together()
    {
        var delays = Enumerable.Range(0, 20)
            .Select(seed => new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(seed)).Next())
            .ToHashSet();
        Assert.True(delays.Count > 15, $"only {delays.Count} distinct first delays out of 20 replicas");
    }

    [Fact]
    public void Same_seed_gives_the_same_delays()
    {
        var first = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), new Random(7));
        var second = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), new Random(7));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(first.Next(), second.Next());
        }
    }
}
