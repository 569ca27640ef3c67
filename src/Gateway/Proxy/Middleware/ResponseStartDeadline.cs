using System.Diagnostics;

namespace Gateway.Proxy.Middleware;

/// <summary>
/// Moves a request's deadline when its response starts: the response-headers timeout gives way to what remains of the
/// route's whole-request timeout, or to none.
/// </summary>
internal sealed class ResponseStartDeadline(CancellationTokenSource source, TimeSpan? total)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private int _completed;

    public static readonly Func<object, Task> OnResponseStarting = static state =>
    {
        ((ResponseStartDeadline)state).Extend();
        return Task.CompletedTask;
    };

    /// <summary>Called once the request is done; the source is disposed after it and must not be touched again.</summary>
    public void Complete() => Volatile.Write(ref _completed, 1);

    private void Extend()
    {
        // A response written after the proxy step (e.g. our own 504) starts when the source is already disposed.
        if (Volatile.Read(ref _completed) == 1 || source.IsCancellationRequested)
        {
            return;
        }

        if (total is not { } whole)
        {
            source.CancelAfter(Timeout.InfiniteTimeSpan);
            return;
        }

        var left = whole - Stopwatch.GetElapsedTime(_started);
        source.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1));
    }
}
