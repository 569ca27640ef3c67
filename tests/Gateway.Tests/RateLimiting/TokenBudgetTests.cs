using Gateway.Model;
using Gateway.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.RateLimiting;

public sealed class TokenBudgetTests : IDisposable
{
    private static readonly BucketKey Caller = new(1, null, null, "key:a");
    private static readonly BucketKey Other = new(1, null, null, "key:b");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LocalRateLimitStore _store;

    public TokenBudgetTests()
    {
        _store = new LocalRateLimitStore(_time, maxKeys: 10_000, evictionInterval: TimeSpan.FromHours(1));
    }

    public void Dispose() => _store.Dispose();

    private RateLimitRule Rule(string rate, int? burst = null) =>
        new(new RateLimitPolicy { Name = "tokens", Rate = rate, Burst = burst, Unit = RateLimitUnit.Tokens }, _time.TimestampFrequency);

    [Fact]
    public void Admits_while_the_budget_is_positive_and_refuses_in_debt_until_it_refills()
    {
        var rule = Rule("6000/m"); // 100 tokens a second, 6000 to start

        var fresh = _store.Check(Caller, rule);
        Assert.Equal(RateLimitOutcome.Admitted, fresh.Outcome);
        Assert.Equal(6000, fresh.Remaining);

        _store.Charge(Caller, rule, 5999);
        Assert.Equal(1, _store.Check(Caller, rule).Remaining);

        _store.Charge(Caller, rule, 500); // 499 into debt: one request may overdraw the budget
        var refused = _store.Check(Caller, rule);
        Assert.Equal(RateLimitOutcome.Rejected, refused.Outcome);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Wait); // 500 tokens at 100/s bring it back to 1
        Assert.Equal(TimeSpan.FromSeconds(64.99), refused.UntilFull);

        Assert.Equal(RateLimitOutcome.Admitted, _store.Check(Other, rule).Outcome);

        _time.Advance(TimeSpan.FromSeconds(4.99));
        Assert.Equal(RateLimitOutcome.Rejected, _store.Check(Caller, rule).Outcome);
        _time.Advance(TimeSpan.FromSeconds(0.01));
        Assert.Equal(RateLimitOutcome.Admitted, _store.Check(Caller, rule).Outcome);
    }

    [Fact]
    public void Checking_takes_nothing()
    {
        var rule = Rule("10/m", burst: 1);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(RateLimitOutcome.Admitted, _store.Check(Caller, rule).Outcome);
        }
    }

    [Theory]
    [InlineData(100, 0.5)]   // small requests, often
    [InlineData(900, 5)]     // large ones: each overdraws the budget, and the debt is paid before the next
    [InlineData(3000, 30)]
    public void A_caller_that_always_asks_gets_the_budget_per_minute(int tokensPerRequest, double secondsBetweenTries)
    {
        var rule = Rule("6000/m", burst: 1000);
        var admitted = 0L;
        var step = TimeSpan.FromSeconds(secondsBetweenTries);
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromMinutes(10); elapsed += step)
        {
            if (_store.Check(Caller, rule).Outcome == RateLimitOutcome.Admitted)
            {
                _store.Charge(Caller, rule, tokensPerRequest);
                admitted += tokensPerRequest;
            }

            _time.Advance(step);
        }

        // Ten minutes of 6000 a minute, plus the starting burst and at most one request's overdraft.
        Assert.InRange(admitted, 60_000, 60_000 + 1000 + tokensPerRequest);
    }

    [Fact]
    public void A_charge_after_eviction_lands_in_a_fresh_bucket()
    {
        var rule = Rule("60/m");
        _store.Charge(Caller, rule, 1);
        _time.Advance(TimeSpan.FromMinutes(2));
        _store.EvictFull();

        _store.Charge(Caller, rule, 90);

        Assert.Equal(RateLimitOutcome.Rejected, _store.Check(Caller, rule).Outcome);
        Assert.Equal(1, _store.Count);
    }
}
