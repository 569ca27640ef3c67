namespace Gateway.Resilience;

/// <summary>Counts requests in flight to one backend across reloads: a request pays one interlocked increment.</summary>
internal sealed class ConcurrencyGate
{
    private int _inFlight;

    public bool TryEnter(int limit)
    {
        if (Interlocked.Increment(ref _inFlight) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
