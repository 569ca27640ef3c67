using Gateway.Model;
using Gateway.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.RateLimiting;

public sealed class LocalRateLimitStoreTests : IDisposable
{
    private static readonly BucketKey Client = new(1, null, null);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LocalRateLimitStore _store;

    public LocalRateLimitStoreTests()
    {
        _store = new LocalRateLimitStore(_time, maxKeys: 10_000, evictionInterval: TimeSpan.FromHours(1));
    }

    public void Dispose() => _store.Dispose();

    private RateLimitRule Rule(string rate, int? burst = null, int queue = 0) =>
        new(new RateLimitPolicy { Name = "p", Rate = rate, Burst = burst, Queue = queue }, _time.TimestampFrequency);

    /// <summary>Sends <paramref name="perStep"/> requests every <paramref name="step"/> for <paramref name="duration"/> (both ends included).</summary>
    private int Hammer(RateLimitRule rule, TimeSpan duration, TimeSpan step, int perStep)
    {
        var admitted = 0;
        for (var elapsed = TimeSpan.Zero; elapsed <= duration; elapsed += step)
        {
            for (var i = 0; i < perStep; i++)
            {
                if (_store.Acquire(Client, rule).Outcome == RateLimitOutcome.Admitted)
                {
                    admitted++;
                }
            }

            _time.Advance(step);
        }

        return admitted;
    }

    [Theory]
    [InlineData("30/m", 5, 60, 35)]      // ingress-nginx limit-rpm: 30 with a burst of 5: burst + 30 per minute
    [InlineData("30/m", 30, 120, 90)]
    [InlineData("5/s", null, 10, 55)]     // default burst: one period's tokens
    [InlineData("5/s", 25, 10, 75)]       // limit-rps: 5 with the default limit-burst-multiplier 5
    [InlineData("100/h", 1, 3600, 101)]
    public void Admits_exactly_rate_times_time_plus_burst(string rate, int? burst, int seconds, int expected)
    {
        var rule = Rule(rate, burst);
        var admitted = Hammer(rule, TimeSpan.FromSeconds(seconds), seconds >= 3600 ? TimeSpan.FromSeconds(4) : TimeSpan.FromMilliseconds(100), perStep: 10);
        Assert.Equal(expected, admitted);
    }

    [Fact]
    public void Counts_down_the_burst_then_refuses()
    {
        var rule = Rule("30/m", burst: 3);
        Assert.Equal([2, 1, 0], Enumerable.Range(0, 3).Select(_ => Take(rule, RateLimitOutcome.Admitted).Remaining));
        Take(rule, RateLimitOutcome.Rejected);
    }

    [Fact]
    public void Refills_one_token_per_interval()
    {
        var rule = Rule("30/m", burst: 2);  // one token every 2 s
        Take(rule, RateLimitOutcome.Admitted);
        Take(rule, RateLimitOutcome.Admitted);
        Take(rule, RateLimitOutcome.Rejected);

        _time.Advance(TimeSpan.FromMilliseconds(1_999));
        Take(rule, RateLimitOutcome.Rejected);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Take(rule, RateLimitOutcome.Admitted);
        Take(rule, RateLimitOutcome.Rejected);

        _time.Advance(TimeSpan.FromMinutes(10));  // never more than the burst, however long the client was idle
        Take(rule, RateLimitOutcome.Admitted);
        Take(rule, RateLimitOutcome.Admitted);
        Take(rule, RateLimitOutcome.Rejected);
    }

    [Fact]
    public void Retry_after_is_the_time_until_the_next_token()
    {
        var rule = Rule("30/m", burst: 1);
        var first = Take(rule, RateLimitOutcome.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(2), first.UntilFull);

        Assert.Equal(TimeSpan.FromSeconds(2), Take(rule, RateLimitOutcome.Rejected).Wait);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        var rejected = Take(rule, RateLimitOutcome.Rejected);
        Assert.Equal(TimeSpan.FromMilliseconds(1_500), rejected.Wait);
        Assert.Equal(2, RateLimitHeaders.Seconds(rejected.Wait));

        _time.Advance(TimeSpan.FromMilliseconds(1_500));
        Take(rule, RateLimitOutcome.Admitted);
    }

    [Fact]
    public void Until_full_grows_with_each_token_taken()
    {
        var rule = Rule("10/s", burst: 10);
        Assert.Equal(TimeSpan.FromMilliseconds(100), Take(rule, RateLimitOutcome.Admitted).UntilFull);
        Assert.Equal(TimeSpan.FromMilliseconds(200), Take(rule, RateLimitOutcome.Admitted).UntilFull);
        _time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(TimeSpan.FromMilliseconds(150), Take(rule, RateLimitOutcome.Admitted).UntilFull);
    }

    [Fact]
    public void Bounded_queue_delays_then_refuses()
    {
        var rule = Rule("1/s", burst: 1, queue: 2);
        Assert.Equal(TimeSpan.Zero, Take(rule, RateLimitOutcome.Admitted).Wait);
        Assert.Equal(TimeSpan.FromSeconds(1), Take(rule, RateLimitOutcome.Admitted).Wait);
        Assert.Equal(TimeSpan.FromSeconds(2), Take(rule, RateLimitOutcome.Admitted).Wait);
        var rejected = Take(rule, RateLimitOutcome.Rejected);
        Assert.Equal(TimeSpan.FromSeconds(1), rejected.Wait);
    }

    [Fact]
    public void Keys_have_separate_buckets()
    {
        var rule = Rule("1/m", burst: 1);
        Assert.Equal(RateLimitOutcome.Admitted, _store.Acquire(new BucketKey(1, "k", null), rule).Outcome);
        Assert.Equal(RateLimitOutcome.Rejected, _store.Acquire(new BucketKey(1, "k", null), rule).Outcome);
        Assert.Equal(RateLimitOutcome.Admitted, _store.Acquire(new BucketKey(1, "other", null), rule).Outcome);
        Assert.Equal(RateLimitOutcome.Admitted, _store.Acquire(new BucketKey(2, "k", null), rule).Outcome);
        Assert.Equal(RateLimitOutcome.Admitted, _store.Acquire(new BucketKey(1, "k", "route"), rule).Outcome);
    }

    [Fact]
    public void A_changed_rate_applies_to_existing_buckets()
    {
        Take(Rule("1/m", burst: 1), RateLimitOutcome.Admitted);
        Take(Rule("1/m", burst: 1), RateLimitOutcome.Rejected);

        var faster = Rule("1/m", burst: 3);
        Take(faster, RateLimitOutcome.Admitted);
        Take(faster, RateLimitOutcome.Admitted);
        Take(faster, RateLimitOutcome.Rejected);
    }

    [Fact]
    public void Eviction_drops_only_full_buckets_and_changes_no_decision()
    {
        var rule = Rule("1/s", burst: 2);
        for (var i = 0; i < 1_000; i++)
        {
            _store.Acquire(new BucketKey((UInt128)(1_000 + i), null, null), rule);
        }

        _store.Acquire(Client, rule);
        _store.Acquire(Client, rule);
        Assert.Equal(1_001, _store.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        _store.EvictFull();
        Assert.Equal(1, _store.Count);  // the others refilled; Client still lacks a token

        Take(rule, RateLimitOutcome.Admitted);
        Take(rule, RateLimitOutcome.Rejected);

        _time.Advance(TimeSpan.FromSeconds(2));
        _store.EvictFull();
        Assert.Equal(0, _store.Count);
        Take(rule, RateLimitOutcome.Admitted);
        Take(rule, RateLimitOutcome.Admitted);
        Take(rule, RateLimitOutcome.Rejected);
    }

    [Fact]
    public void Eviction_runs_on_the_timer()
    {
        using var store = new LocalRateLimitStore(_time, maxKeys: 1_000, evictionInterval: TimeSpan.FromSeconds(10));
        store.Acquire(Client, Rule("1/s", burst: 1));
        Assert.Equal(1, store.Count);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Keys_beyond_the_cap_share_one_overflow_bucket()
    {
        using var store = new LocalRateLimitStore(_time, maxKeys: 2, evictionInterval: TimeSpan.FromHours(1));
        var rule = Rule("1/m", burst: 1);
        Assert.Equal(RateLimitOutcome.Admitted, store.Acquire(new BucketKey(1, null, null), rule).Outcome);
        Assert.Equal(RateLimitOutcome.Admitted, store.Acquire(new BucketKey(2, null, null), rule).Outcome);
        Assert.Equal(RateLimitOutcome.Admitted, store.Acquire(new BucketKey(3, null, null), rule).Outcome);
        Assert.Equal(RateLimitOutcome.Rejected, store.Acquire(new BucketKey(4, null, null), rule).Outcome);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task Concurrent_requests_never_take_more_than_the_bucket_holds()
    {
        var rule = Rule("1/h", burst: 1_000);
        var admitted = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                if (_store.Acquire(Client, rule).Outcome == RateLimitOutcome.Admitted)
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        })));
        Assert.Equal(1_000, admitted);
    }

    private RateLimitDecision Take(RateLimitRule rule, RateLimitOutcome expected)
    {
        var decision = _store.Acquire(Client, rule);
        Assert.Equal(expected, decision.Outcome);
        return decision;
    }
}
