using Gateway.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.RateLimiting;

public sealed class RedisCircuitBreakerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ListLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<TimeSpan> _probes = [];
    private readonly DateTimeOffset _start;
    private readonly RedisCircuitBreaker _breaker;
    private bool _redisAnswers;

    public RedisCircuitBreakerTests()
    {
        _start = _time.GetUtcNow();
        _loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(_logs));
        _breaker = new RedisCircuitBreaker(_time, Probe, _loggerFactory.CreateLogger<RedisCircuitBreaker>());
    }

    public void Dispose()
    {
        _breaker.Dispose();
        _loggerFactory.Dispose();
    }

    private Task<bool> Probe()
    {
        _probes.Add(_time.GetUtcNow() - _start);
        return Task.FromResult(_redisAnswers);
    }

    /// <summary>Advances in half-second steps: every probe is due on one, so each runs at its own time.</summary>
    private void Advance(double seconds)
    {
        for (var i = 0; i < seconds * 2; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
        }
    }

    private void Open()
    {
        for (var i = 0; i < RedisCircuitBreaker.FailureThreshold; i++)
        {
            Assert.True(_breaker.TryPass());
            _breaker.Failed("timeout");
        }

        Assert.True(_breaker.IsOpen);
    }

    [Fact]
    public void Only_failures_in_a_row_open_the_circuit()
    {
        for (var i = 0; i < 10; i++)
        {
            _breaker.Failed("timeout");
            _breaker.Failed("timeout");
            _breaker.Succeeded();
        }

        Assert.False(_breaker.IsOpen);
        Assert.True(_breaker.TryPass());

        _breaker.Failed("timeout");
        _breaker.Failed("timeout");
        _breaker.Failed("timeout");
        Assert.True(_breaker.IsOpen);
        Assert.False(_breaker.TryPass());
    }

    [Fact]
    public void While_open_no_request_passes_and_probes_back_off_from_half_a_second_to_eight()
    {
        Open();
        for (var i = 0; i < 60; i++)
        {
            Assert.False(_breaker.TryPass());
            Advance(0.5);
        }

        // 30 s of outage: probes at 0.5, 1.5, 3.5, 7.5, 15.5, 23.5 s (delays 0.5, 1, 2, 4, 8, 8).
        Assert.Equal([0.5, 1.5, 3.5, 7.5, 15.5, 23.5], _probes.Select(p => p.TotalSeconds));
        Assert.True(_breaker.IsOpen);
    }

    [Fact]
    public void The_first_answered_probe_closes_the_circuit_and_a_new_outage_starts_again_from_half_a_second()
    {
        Open();
        Advance(2);
        Assert.Equal(2, _probes.Count);

        _redisAnswers = true;
        Advance(1.5);
        Assert.Equal(3, _probes.Count);
        Assert.False(_breaker.IsOpen);
        Assert.True(_breaker.TryPass());

        // Closed means counting from zero again: two failures do not reopen it.
        _breaker.Failed("timeout");
        _breaker.Failed("timeout");
        Assert.False(_breaker.IsOpen);
        _breaker.Failed("timeout");
        Assert.True(_breaker.IsOpen);
        Advance(0.5);
        Assert.Equal(4, _probes.Count);
        Assert.False(_breaker.IsOpen);
    }

    [Fact]
    public void An_outage_is_logged_when_it_starts_and_when_it_ends_not_per_request()
    {
        Open();
        for (var i = 0; i < 1000; i++)
        {
            Assert.False(_breaker.TryPass());
        }

        Advance(10);
        _redisAnswers = true;
        Advance(8);

        Assert.Collection(
            _logs.Messages,
            opened => Assert.StartsWith("Redis failed 3 times in a row (timeout)", opened, StringComparison.Ordinal),
            closed => Assert.Equal("Redis answers again after 00:00:15.5000000; global rate limits are enforced again (1000 decisions made by fail mode meanwhile)", closed));
    }
}
