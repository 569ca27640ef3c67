using Microsoft.Extensions.Logging;

namespace Gateway.RateLimiting;

/// <summary>
/// Stops asking Redis once it failed <see cref="FailureThreshold"/> times in a row, so that an outage costs a request the
/// fail-mode decision and nothing more, instead of the policy's whole timeout. While open, one background probe asks
/// Redis after <see cref="FirstProbeDelay"/>, then after twice as long each time it fails (up to <see cref="MaxProbeDelay"/>);
/// the first answer closes the circuit. An outage is logged when the circuit opens and when it closes, never per request.
/// </summary>
internal sealed partial class RedisCircuitBreaker : IDisposable
{
    public const int FailureThreshold = 3;

    public static readonly TimeSpan FirstProbeDelay = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan MaxProbeDelay = TimeSpan.FromSeconds(8);

    private readonly TimeProvider _timeProvider;
    private readonly Func<Task<bool>> _probe;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private int _failures;
    private int _open;
    private long _openedAt;
    private long _skipped;
    private TimeSpan _probeDelay;

    /// <param name="timeProvider">Drives the probe delays.</param>
    /// <param name="probe">Asks Redis whether it answers; true when it did. Must not throw.</param>
    /// <param name="logger">Where the opening and closing of the circuit are logged.</param>
    public RedisCircuitBreaker(TimeProvider timeProvider, Func<Task<bool>> probe, ILogger<RedisCircuitBreaker> logger)
    {
        _timeProvider = timeProvider;
        _probe = probe;
        _logger = logger;
        _timer = timeProvider.CreateTimer(static state => _ = ((RedisCircuitBreaker)state!).ProbeAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>True when Redis may be asked; false (and counted) while the circuit is open.</summary>
    public bool TryPass()
    {
        if (Volatile.Read(ref _open) == 0)
        {
            return true;
        }

        Interlocked.Increment(ref _skipped);
        return false;
    }

    public void Succeeded()
    {
        if (Volatile.Read(ref _failures) != 0)
        {
            Volatile.Write(ref _failures, 0);
        }
    }

    public void Failed(string reason)
    {
        if (Interlocked.Increment(ref _failures) < FailureThreshold || Interlocked.CompareExchange(ref _open, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _skipped, 0);
        _openedAt = _timeProvider.GetTimestamp();
        _probeDelay = FirstProbeDelay;
        LogOpened(_logger, FailureThreshold, reason);
        _timer.Change(_probeDelay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Runs on the timer, one at a time: the next probe is scheduled only when this one has finished.</summary>
    private async Task ProbeAsync()
    {
        if (await _probe())
        {
            Volatile.Write(ref _failures, 0);
            Volatile.Write(ref _open, 0);
            LogClosed(_logger, _timeProvider.GetElapsedTime(_openedAt), Volatile.Read(ref _skipped));
            return;
        }

        _probeDelay = _probeDelay * 2 < MaxProbeDelay ? _probeDelay * 2 : MaxProbeDelay;
        _timer.Change(_probeDelay, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis failed {Failures} times in a row ({Reason}); global rate-limit policies apply their fail mode without asking it until a background probe gets an answer")]
    private static partial void LogOpened(ILogger logger, int failures, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis answers again after {Outage}; global rate limits are enforced again ({Skipped} decisions made by fail mode meanwhile)")]
    private static partial void LogClosed(ILogger logger, TimeSpan outage, long skipped);
}
