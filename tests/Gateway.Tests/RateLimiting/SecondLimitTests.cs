using System.Net;
using Gateway.Model;
using Gateway.Primitives;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.RateLimiting;

/// <summary>
/// A policy with a second limit, as ingress-nginx's limit-rps with limit-rpm (both with the burst multiplier): a request
/// passes only when both buckets admit, and the answer speaks for the tighter one.
/// </summary>
public sealed class SecondLimitTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LocalRateLimitStore _perSecond;
    private readonly LocalRateLimitStore _perMinute;

    public SecondLimitTests()
    {
        _perSecond = new LocalRateLimitStore(_time, maxKeys: 1000, evictionInterval: TimeSpan.FromHours(1));
        _perMinute = new LocalRateLimitStore(_time, maxKeys: 1000, evictionInterval: TimeSpan.FromHours(1));
    }

    public void Dispose()
    {
        _perSecond.Dispose();
        _perMinute.Dispose();
    }

    // limit-rps 2, limit-rpm 12, limit-burst-multiplier 2: buckets of 4 (2 a second) and 24 (one every 5 s).
    private RouteRateLimiter Limiter()
    {
        var rpm = new RateLimitPolicy { Name = "ingress/default/both/rpm", Rate = "12/m", Burst = 24, StatusCode = 503 };
        var rps = new RateLimitPolicy { Name = "ingress/default/both/rps", Rate = "2/s", Burst = 4, StatusCode = 503, Also = rpm };
        var clientIp = new ClientIpResolver([]);
        return new RouteRateLimiter("r", new RateLimitRule(rps, _time.TimestampFrequency), _perSecond, clientIp)
        {
            Also = new RouteRateLimiter("r", new RateLimitRule(rpm, _time.TimestampFrequency), _perMinute, clientIp),
        };
    }

    private static HttpContext Request(string client = "203.0.113.1") =>
        new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(client) } };

    private static (string Policy, RateLimitDecision Decision) Acquire(RouteRateLimiter limiter, HttpContext context)
    {
        var pending = limiter.AcquireAllAsync(context);
        Assert.True(pending.IsCompletedSuccessfully, "local stores decide synchronously");
        return (pending.Result.Limiter.Rule.Name, pending.Result.Decision);
    }

    [Fact]
    public void The_per_second_bucket_bites_on_a_burst_and_the_per_minute_one_after_it_allowed_several()
    {
        var limiter = Limiter();
        var context = Request();
        var admitted = 0;
        var refusedBy = new List<string>();

        // Ten requests every second for 20 s: the per-second limit alone would admit 4 + 2 per second (44), the
        // per-minute one alone 24 + one every 5 s (28); both together admit what both allow.
        for (var second = 0; second < 20; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                var (policy, decision) = Acquire(limiter, context);
                if (decision.Outcome == RateLimitOutcome.Admitted)
                {
                    admitted++;
                }
                else
                {
                    refusedBy.Add(policy);
                }
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // The per-minute bucket empties at second 11 (4 + 2 a second against 24 + one every 5 s); over the 19 s it admits
        // its 24 and the 3 refilled.
        Assert.Equal(24 + 3, admitted);
        Assert.Equal("ingress/default/both/rps", refusedBy[0]);
        Assert.Contains("ingress/default/both/rpm", refusedBy);
        Assert.Equal(200 - admitted, refusedBy.Count);
    }

    [Fact]
    public void A_request_the_first_bucket_refuses_costs_the_second_nothing()
    {
        var limiter = Limiter();
        var context = Request();
        for (var i = 0; i < 100; i++)
        {
            Acquire(limiter, context);
        }

        // 100 requests at once: 4 admitted by both, 96 refused by the per-second bucket without touching the other.
        var (_, state) = Acquire(limiter.Also!, context);
        Assert.Equal(24 - 4 - 1, state.Remaining);
    }

    [Fact]
    public void Headers_announce_the_limit_with_fewer_tokens_left()
    {
        var limiter = Limiter();
        var context = Request();

        // First request: 3 of 4 left per second, 23 of 24 per minute: the per-second bound is the tighter one.
        var (first, firstDecision) = Acquire(limiter, context);
        Assert.Equal(("ingress/default/both/rps", 3), (first, firstDecision.Remaining));

        // Three requests every 2 s (the per-second bucket is full again each time) drain the per-minute bucket, whose
        // bound then is the tighter one: 8 rounds take 24 tokens of the 23 left plus 3 refilled.
        for (var i = 0; i < 8; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(RateLimitOutcome.Admitted, Acquire(limiter, context).Decision.Outcome);
            }
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        var (later, laterDecision) = Acquire(limiter, context);
        Assert.Equal(("ingress/default/both/rpm", RateLimitOutcome.Admitted), (later, laterDecision.Outcome));
        Assert.True(laterDecision.Remaining < 3, $"{laterDecision.Remaining} per-minute tokens left");

        // Another client has buckets of its own in both limits.
        var (other, otherDecision) = Acquire(limiter, Request("203.0.113.2"));
        Assert.Equal(("ingress/default/both/rps", RateLimitOutcome.Admitted), (other, otherDecision.Outcome));
    }
}
