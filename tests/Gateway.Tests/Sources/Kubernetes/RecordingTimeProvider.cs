using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Sources.Kubernetes;

/// <summary>Fake time that also records every delay asked of it, so a test knows when code is waiting and for how long.</summary>
internal sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly List<TimeSpan> _delays = [];

    public TimeSpan[] Delays
    {
        get
        {
            lock (_delays)
            {
                return [.. _delays];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_delays)
        {
            _delays.Add(dueTime);
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }
}
