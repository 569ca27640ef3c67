namespace Gateway.ModelServerSimulator;

/// <summary>
/// The server's running batch and waiting queue: at most <see cref="SimulatorOptions.MaxRunning"/> requests generate at
/// once, the others wait first come, first served (SemaphoreSlim releases its asynchronous waiters in order).
/// </summary>
internal sealed class BatchScheduler(int maxRunning)
{
    private readonly SemaphoreSlim _slots = new(maxRunning, maxRunning);
    private int _waiting;
    private int _running;
    private long _cachedTokens;

    public int Waiting => Volatile.Read(ref _waiting);

    public int Running => Volatile.Read(ref _running);

    public long CachedTokens => Interlocked.Read(ref _cachedTokens);

    /// <summary>Waits for a place in the batch; the returned lease gives it back.</summary>
    public async Task<BatchLease> EnterAsync(int tokens, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        Interlocked.Increment(ref _running);
        Interlocked.Add(ref _cachedTokens, tokens);
        return new BatchLease(this, tokens);
    }

    /// <summary>Called by <see cref="BatchLease"/> when its request finishes.</summary>
    internal void Leave(int tokens)
    {
        Interlocked.Add(ref _cachedTokens, -tokens);
        Interlocked.Decrement(ref _running);
        _slots.Release();
    }
}
