namespace Gateway.LoadBalancing;

/// <summary>
/// The requests of one backend waiting at the gateway while every endpoint is saturated: Critical ones are let in before
/// Standard ones, each first come, first served; a Critical request arriving at a full queue takes the place of the
/// newest Standard one. Only requests that must wait pay for the lock; the picker's path reads <see cref="Count"/> alone.
/// </summary>
internal sealed class AdmissionQueue(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<QueuedRequest> _critical = new();
    private readonly LinkedList<QueuedRequest> _standard = new();
    private int _count;

    /// <summary>Requests waiting now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Waits for <see cref="ReleaseNext"/>, at most <paramref name="maxWait"/>, or until <paramref name="aborted"/>.</summary>
    public async Task<AdmissionOutcome> WaitAsync(Criticality criticality, int maxQueued, TimeSpan maxWait, CancellationToken aborted)
    {
        var request = new QueuedRequest(criticality);
        QueuedRequest? displaced = null;
        lock (_lock)
        {
            if (_count >= maxQueued)
            {
                if (criticality != Criticality.Critical || _standard.Last is null)
                {
                    return AdmissionOutcome.Full;
                }

                displaced = _standard.Last.Value;
                Detach(displaced);
            }

            request.Node = (criticality == Criticality.Critical ? _critical : _standard).AddLast(request);
            _count++;
        }

        displaced?.TrySetResult(AdmissionOutcome.Displaced);
        using var timeout = new CancellationTokenSource(maxWait, time);
        using var onTimeout = timeout.Token.UnsafeRegister(static state => ((QueuedRequest)state!).TrySetResult(AdmissionOutcome.TimedOut), request);
        using var onAbort = aborted.UnsafeRegister(static state => ((QueuedRequest)state!).TrySetResult(AdmissionOutcome.Abandoned), request);
        var outcome = await request.Task;
        if (outcome is AdmissionOutcome.TimedOut or AdmissionOutcome.Abandoned)
        {
            lock (_lock)
            {
                Detach(request);
            }
        }

        return outcome;
    }

    /// <summary>Lets the most important, oldest waiting request in; false when none waits.</summary>
    public bool ReleaseNext()
    {
        lock (_lock)
        {
            while ((_critical.First ?? _standard.First) is { } node)
            {
                var request = node.Value;
                Detach(request);
                if (request.TrySetResult(AdmissionOutcome.Admitted))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private void Detach(QueuedRequest request)
    {
        if (request.Node is { List: { } list } node)
        {
            list.Remove(node);
            _count--;
        }
    }
}
